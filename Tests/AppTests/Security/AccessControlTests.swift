@testable import App
import Fluent
import Foundation
import Testing
import Vapor

@Suite("Authorization in one place, default deny, scoped by office")
struct AccessControlTests {
    @Test("A counselor cannot reach admin pages or the audit trail; each attempt is audited as denied")
    func counselorIsDenied() async throws {
        try await withTestApp { t in
            let browser = t.browser()
            try await browser.login("veileder1")
            for path in ["/admin/brukere", "/admin/kontorer", "/admin/brukere/ny", "/revisjonslogg"] {
                let response = try await browser.get(path)
                #expect(response.status == .forbidden, "\(path)")
                #expect(response.text.contains("Du har ikke tilgang"))
                #expect(!response.text.contains("Vera Veileder</a>"), "no admin content leaks")
            }
            let officeID = try await t.office("9901").id!.uuidString
            let post = try await browser.post("/admin/kontorer", [("enhetNumber", "1234"), ("name", "NAV Snik")])
            #expect(post.status == .forbidden)
            #expect(try await Office.query(on: t.db).filter(\.$enhetNumber == "1234").count() == 0)
            let denied = try await t.auditEntries(.accessDenied)
            let user = try await t.user("veileder1")
            #expect(denied.filter { $0.actorUserID == user.id }.count == 5)
            #expect(denied.contains { $0.objectID == "GET /admin/brukere" && $0.outcome == "denied" && $0.officeID?.uuidString == officeID })
        }
    }

    @Test("Signed-out visitors are sent to the login page")
    func signedOutRedirects() async throws {
        try await withTestApp { t in
            for path in ["/", "/admin/brukere", "/revisjonslogg", "/meg"] {
                let response = try await t.browser().get(path)
                #expect(response.status == .seeOther)
                #expect(response.headers.first(name: .location)?.hasPrefix("/logg-inn?neste=") == true)
            }
            let denied = try await t.auditEntries(.accessDenied).filter { $0.detail == "ikke innlogget" }
            #expect(denied.count == 4)
            #expect(denied.allSatisfy { $0.actorUserID == nil && $0.outcome == "denied" })
        }
    }

    @Test("Every route declares who may use it")
    func everyRouteDeclaresAccess() async throws {
        try await withTestApp(demo: false) { t in
            let undeclared = t.app.routes.all.filter { $0.access == nil }.map { "\($0.method) \($0.path.string)" }
            #expect(undeclared.isEmpty, "routes without access: \(undeclared)")
            #expect(t.app.routes.all.count > 25)
        }
    }

    @Test("A route added without an access declaration is refused")
    func defaultDeny() async throws {
        try await withTestApp { t in
            t.app.get("uten-tilgang") { _ in "hemmelig" }
            let browser = t.browser()
            try await browser.login("admin")
            let response = try await browser.get("/uten-tilgang")
            #expect(response.status == .forbidden)
            #expect(!response.text.contains("hemmelig"))
        }
    }

    @Test("Users of office 9902 cannot read office 9901's data, in pages or the API")
    func officeScoping() async throws {
        try await withTestApp { t in
            let nord = try await t.office("9901"), sor = try await t.office("9902")
            let browser = t.browser()
            try await browser.login("veileder3")
            let own = try await browser.get("/kontorer/\(sor.id!)")
            #expect(own.status == .ok)
            #expect(own.text.contains("Vilde Veileder"))
            let foreign = try await browser.get("/kontorer/\(nord.id!)")
            #expect(foreign.status == .notFound)
            #expect(!foreign.text.contains("Vera Veileder"))
            #expect(!foreign.text.contains("NAV Demo Nord"))
            let denied = try #require(try await t.auditEntries(.accessDenied).first)
            #expect(denied.objectID == nord.id?.uuidString)
            #expect(denied.actorUsername == "veileder3")

            let token = try await t.issueToken(for: "leder2")
            var headers = HTTPHeaders(); headers.bearerAuthorization = .init(token: token)
            let list = try await browser.get("/api/v1/offices", headers: headers)
            let offices = try list.content.decode(OfficeListDTO.self)
            #expect(offices.items.map(\.enhetNumber) == ["9902"])
            let other = try await browser.get("/api/v1/offices/9901", headers: headers)
            #expect(other.status == .notFound)
            #expect(!other.text.contains("NAV Demo Nord"))
            #expect(try await browser.get("/api/v1/offices/9902", headers: headers).status == .ok)
        }
    }

    @Test("A leader sees only their own office's audit entries")
    func leaderAuditIsScoped() async throws {
        try await withTestApp { t in
            let nord = t.browser()
            try await nord.login("veileder1") // audited in office 9901
            let leder2 = t.browser()
            try await leder2.login("leder2")
            let page = try await leder2.get("/revisjonslogg")
            #expect(page.status == .ok)
            #expect(page.text.contains("leder2"))
            #expect(!page.text.contains("veileder1"), "9901's events are not shown to 9902's leader")
            let leder1 = t.browser()
            try await leder1.login("leder1")
            #expect(try await leder1.get("/revisjonslogg").text.contains("veileder1"))
        }
    }
}
