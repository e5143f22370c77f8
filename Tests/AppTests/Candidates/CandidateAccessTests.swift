@testable import App
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@Suite("Who may see and change a candidate")
struct CandidateAccessTests {
    @Test("A colleague who states a reason may read but not change; a market contact is not let in at all")
    func colleagueReadsOnly() async throws {
        try await withTestApp { t in
            let owner = t.browser()
            try await owner.login("veileder1")
            let id = try await CandidateFixture.register(owner, CandidateFixture.fields(fnr: CandidateFixture.fnr()))

            let colleague = t.browser()
            try await colleague.login("veileder2")
            try await colleague.get("/kandidater/\(id)")
            try await colleague.post("/kandidater/\(id)/grunn", [("reason", "Svarer på telefon for Vera i dag")])
            #expect(try await colleague.get("/kandidater/\(id)").status == .ok)
            for (path, fields) in [
                ("/kandidater/\(id)/rediger", CandidateFixture.fields(fnr: "", first: "Endret")),
                ("/kandidater/\(id)/hybrid", [("date", ""), ("reason", "Vil ta over")]),
                ("/kandidater/\(id)/bytt-veileder", [("counselorID", (try await t.user("veileder2")).id!.uuidString), ("situation", "Tar over selv nå")]),
            ] {
                let response = try await colleague.post(path, fields)
                #expect(response.status == .forbidden, "\(path) answered \(response.status.code)")
            }
            let candidate = try #require(try await Candidate.find(id, on: t.db))
            #expect(candidate.firstName == "Kari" && !candidate.isHybrid)
            #expect(candidate.$counselor.id == (try await t.user("veileder1")).id)
            let veileder2 = try await t.user("veileder2")
            let denied = try await t.auditEntries(.accessDenied).filter { $0.actorUserID == veileder2.id && $0.objectID == id.uuidString }
            #expect(denied.count == 3 && denied.allSatisfy { $0.detail == "kun lesetilgang" })

            let market = t.browser()
            try await market.login("marked1")
            #expect(try await market.get("/kandidater/\(id)").status == .notFound)
        }
    }

    @Test("A counselor moved to another office sees none of the old office's candidates in the portfolio")
    func movedCounselor() async throws {
        try await withTestApp { t in
            let veileder1 = try await t.user("veileder1")
            let before = try await Candidate.query(on: t.db).filter(\.$counselor.$id == veileder1.id!).count()
            #expect(before > 0)
            let sor = try await t.office("9902")
            try await User.query(on: t.db).set(\.$office.$id, to: sor.id).filter(\.$id == veileder1.id!).update()
            let browser = t.browser()
            try await browser.login("veileder1")
            let page = try await browser.get("/portefolje")
            #expect(page.text.contains("0 kandidater"))
            let token = try await t.issueToken(for: "veileder1")
            var headers = HTTPHeaders()
            headers.bearerAuthorization = .init(token: token)
            let api = try await t.app.testing().sendRequest(.GET, "/api/v1/portfolio", headers: headers)
            #expect(api.status == .ok)
            #expect(api.body.string.contains("\"total\":0"))
        }
    }

    @Test("A leader's reason for one candidate does not open the counselor's whole portfolio")
    func oneGrantIsNotThePortfolio() async throws {
        try await withTestApp { t in
            let veileder2 = try await t.user("veileder2")
            let one = try #require(try await Candidate.query(on: t.db).filter(\.$counselor.$id == veileder2.id!).first())
            let leader = t.browser()
            try await leader.login("leder1")
            try await leader.get("/kandidater/\(one.id!)")
            try await leader.post("/kandidater/\(one.id!)/grunn", [("reason", "Klage fra arbeidsgiver")])
            #expect(try await leader.get("/kandidater/\(one.id!)").status == .ok)
            let list = try await leader.get("/kontor/oversikt/veiledere/\(veileder2.id!)")
            #expect(list.status == .seeOther)
        }
    }

    @Test("A national ID number typed into a reason is not kept in the audit trail")
    func reasonIsRedacted() async throws {
        try await withTestApp { t in
            let owner = t.browser()
            try await owner.login("veileder1")
            let fnr = CandidateFixture.fnr()
            let id = try await CandidateFixture.register(owner, CandidateFixture.fields(fnr: fnr))
            let colleague = t.browser()
            try await colleague.login("veileder2")
            try await colleague.get("/kandidater/\(id)")
            try await colleague.post("/kandidater/\(id)/grunn", [("reason", "Ringte om \(fnr) i dag")])
            let entry = try #require(try await t.auditEntries(.candidateAccessReason).first)
            #expect(entry.detail == "grunn: Ringte om [fnr fjernet] i dag")
            #expect(try await t.auditEntries().allSatisfy { !($0.detail ?? "").contains(fnr) })
            #expect(try await AuditVerifier(db: t.db).verify().finding == nil)
        }
    }

    @Test("A deactivated counselor's candidates stay in the office overview")
    func deactivatedCounselorCounted() async throws {
        try await withTestApp { t in
            let veileder2 = try await t.user("veileder2")
            try await User.query(on: t.db).set(\.$isActive, to: false).filter(\.$id == veileder2.id!).update()
            let office = try await t.office("9901")
            let rows = try await OfficeOverviewQuery(officeID: office.id!, now: t.clock.now()).rows(on: t.sql)
            let total = try await Candidate.query(on: t.db).filter(\.$office.$id == office.id!).count()
            #expect(rows.reduce(0) { $0 + $1.portfolio } == total)
            #expect(rows.contains { $0.id == veileder2.id && $0.active == 0 })
        }
    }

    @Test("A consent's last day is a whole Norwegian day, also when the clocks go back that night")
    func consentExpiryAcrossDaylightSaving() throws {
        let oslo = Calendar.oslo
        let lastDay = try #require(oslo.date(from: DateComponents(year: 2026, month: 10, day: 25)))
        let terms = ConsentTerms(item: .goalsAndPlan, party: .employer, givenOn: lastDay.addingTimeInterval(-30 * 86_400), expiresOn: lastDay, withdrawnAt: nil)
        let lateEvening = try #require(oslo.date(from: DateComponents(year: 2026, month: 10, day: 25, hour: 23, minute: 30)))
        let nextMorning = try #require(oslo.date(from: DateComponents(year: 2026, month: 10, day: 26, hour: 0, minute: 0, second: 1)))
        #expect(terms.holds(at: lateEvening))
        #expect(!terms.holds(at: nextMorning))
        let springDay = try #require(oslo.date(from: DateComponents(year: 2026, month: 3, day: 29)))
        let spring = ConsentTerms(item: .goalsAndPlan, party: .employer, givenOn: springDay.addingTimeInterval(-86_400 * 3), expiresOn: springDay, withdrawnAt: nil)
        let justAfterMidnight = try #require(oslo.date(from: DateComponents(year: 2026, month: 3, day: 30, hour: 0, minute: 30)))
        #expect(!spring.holds(at: justAfterMidnight))
    }
}
