@testable import App
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

@Suite("Portfolio and the leader's overview")
struct PortfolioPageTests {
    /// The number in "N kandidater" and the rows of every page of a portfolio list.
    static func countAndRows(_ browser: Browser, _ path: String) async throws -> (count: Int, rows: Int) {
        let first = try await browser.get(path)
        #expect(first.status == .ok, "\(path) answered \(first.status.code)")
        let count = try #require(Self.number(in: first.text, before: " kandidater"))
        var rows = 0
        var page = 1
        var text = first.text
        while true {
            rows += text.components(separatedBy: "<td><a href=\"/kandidater/").count - 1
            guard text.contains("rel=\"next\"") else { break }
            page += 1
            text = try await browser.get(path + (path.contains("?") ? "&" : "?") + "side=\(page)").text
        }
        return (count, rows)
    }

    static func number(in text: String, before suffix: String) -> Int? {
        guard let range = text.range(of: #"\d+"# + suffix, options: .regularExpression) else { return nil }
        return Int(text[range].prefix { $0.isNumber })
    }

    @Test("Every quick filter's count equals the length of its list, and all counts come from one query")
    func countsMatchLists() async throws {
        try await withTestApp { t in
            let browser = t.browser()
            try await browser.login("veileder1")
            // Own additions on top of the demo portfolio: varied groups, one hybrid, one overdue item.
            var ids: [UUID] = []
            for (innsats, benefit) in [("standard", "dagpenger"), ("varig_tilpasset", "uforetrygd"), ("situasjonsbestemt", "aap")] {
                ids.append(try await CandidateFixture.register(browser, CandidateFixture.fields(fnr: CandidateFixture.fnr(), innsats: innsats, benefit: benefit)))
            }
            try await browser.get("/kandidater/\(ids[0])")
            try await browser.post("/kandidater/\(ids[0])/hybrid", [("date", ""), ("reason", "Tett oppfølging på arbeidsplassen")])
            try await t.addActionItem(for: ids[1], due: t.clock.now().addingTimeInterval(-3600))

            let veileder1 = try await t.user("veileder1")
            let query = PortfolioQuery(counselorID: veileder1.id!, officeID: veileder1.$office.id!, now: t.clock.now())
            let counts = try await query.load(on: t.app.readDB).counts
            let total = try await Candidate.query(on: t.db).filter(\.$counselor.$id == veileder1.id!).count()
            #expect(counts[.all] == total)
            #expect((counts[.needsAction] ?? 0) >= 1)
            #expect((counts[.hybrid] ?? 0) >= 1)
            #expect(counts[.new] ?? 0 >= 3)
            for filter in PortfolioFilter.allCases {
                let path = filter == .all ? "/portefolje" : "/portefolje?filter=\(filter.raw)"
                let (count, rows) = try await Self.countAndRows(browser, path)
                #expect(count == rows, "\(filter.raw): count \(count), rows \(rows)")
                #expect(count == counts[filter], "\(filter.raw): page \(count), query \(String(describing: counts[filter]))")
                var filtered = query
                filtered.filter = filter
                var listed = 0
                let pages = max(1, (count + PortfolioQuery.pageSize - 1) / PortfolioQuery.pageSize)
                for page in 1...pages + 1 {
                    filtered.page = page
                    let loaded = try await filtered.load(on: t.app.readDB)
                    // Every page, the one after the last included (no rows), brings all the counts.
                    #expect(loaded.counts == counts, "\(filter.raw), page \(page): counts")
                    if filter == .needsAction { #expect(loaded.rows.allSatisfy { $0.needs_action == 1 }) }
                    if page > pages { #expect(loaded.rows.isEmpty) }
                    listed += loaded.rows.count
                }
                #expect(listed == count, "\(filter.raw): rows from SQL \(listed)")
            }
            let innsats = Innsatsgruppe.allCases.reduce(0) { $0 + (counts[.innsatsgruppe($1)] ?? 0) }
            let benefits = MainBenefit.allCases.reduce(0) { $0 + (counts[.benefit($1)] ?? 0) }
            #expect(innsats == total && benefits == total)
            #expect(try await t.auditEntries(.portfolioRead).count >= PortfolioFilter.allCases.count)

            // Each filter under its own heading, in the order of `PortfolioFilter.allCases`: the quick
            // filters first, then the innsatsgruppe filters, then the benefit filters.
            let page = try await browser.get("/portefolje").text
            let nav = try #require(page.range(of: "<nav aria-label=\"Hurtigfiltre\"").flatMap { start in page[start.lowerBound...].range(of: "</nav>").map { page[start.lowerBound..<$0.lowerBound] } })
            func filters(_ part: Substring) -> [String] {
                part.components(separatedBy: "?filter=").dropFirst().map { String($0.prefix { $0 != "\"" && $0 != "&" }) }
            }
            let sections = nav.components(separatedBy: "<h2 class=\"small-heading\">")
            #expect(sections.count == 3 && sections[1].hasPrefix("Innsatsgruppe</h2>") && sections[2].hasPrefix("Hovedytelse</h2>"), "\(nav)")
            let main = PortfolioFilter.allCases.filter {
                switch $0 { case .innsatsgruppe, .benefit, .all: false; default: true }
            }
            #expect(filters(Substring(sections[0])) == main.map(\.raw))
            #expect(filters(Substring(sections[1])) == Innsatsgruppe.allCases.map { PortfolioFilter.innsatsgruppe($0).raw })
            #expect(filters(Substring(sections[2])) == MainBenefit.allCases.map { PortfolioFilter.benefit($0).raw })
        }
    }

    @Test("Search by name ignores case and æøå; a national ID number is searched by POST and never put in a URL")
    func search() async throws {
        try await withTestApp { t in
            let browser = t.browser()
            try await browser.login("veileder1")
            let fnr = CandidateFixture.fnr()
            let id = try await CandidateFixture.register(browser, CandidateFixture.fields(fnr: fnr, first: "Øystein-Åge", last: "Blåbærsøndergård"))
            for needle in ["øystein", "OYSTEIN-AGE", "blåbær", "blabaer", "SØNDERGÅRD", "sondergard"] {
                try await browser.get("/portefolje")
                let found = try await browser.post("/portefolje/sok", [("q", needle)])
                #expect(found.status == .seeOther)
                let location = try #require(found.headers.first(name: .location))
                let page = try await browser.get(location)
                #expect(page.text.contains("/kandidater/\(id)"), "\(needle)")
                #expect(Self.number(in: page.text, before: " kandidater") == 1, "\(needle)")
            }
            try await browser.get("/portefolje")
            let byNumber = try await browser.post("/portefolje/sok", [("q", fnr)])
            #expect(byNumber.status == .seeOther)
            #expect(byNumber.headers.first(name: .location) == "/kandidater/\(id)")
            let inURL = try await browser.get("/portefolje?q=\(fnr)")
            #expect(inURL.status == .ok)
            #expect(inURL.text.contains("tall i adressen"))
            #expect(!inURL.text.contains("value=\"\(fnr)\""))
            #expect(try await t.auditEntries().allSatisfy { !($0.detail ?? "").contains(fnr) })
            try await browser.get("/portefolje")
            let wrong = try await browser.post("/portefolje/sok", [("q", "12345678901")])
            #expect(wrong.status == .unprocessableEntity)
            #expect(wrong.text.contains("Kontrollsifrene"))
        }
    }

    @Test("Sorting, paging and chosen columns")
    func sortingPagingColumns() async throws {
        try await withTestApp { t in
            let browser = t.browser()
            try await browser.login("veileder1")
            var fnrs: [String] = []
            for _ in 0..<3 {
                fnrs.append(CandidateFixture.fnr())
                try await CandidateFixture.register(browser, CandidateFixture.fields(fnr: fnrs.last!))
            }
            let all = try await Self.countAndRows(browser, "/portefolje?sort=sist-kontakt")
            #expect(all.count >= 3)
            #expect(all.count == all.rows)
            let page = try await browser.get("/portefolje")
            #expect(page.text.contains("Fødselsnr."))
            // Each row's tags: every row of the hybrid list has the hybrid tag, every row of "trenger handling" the warning.
            for (filter, tag) in [("hybrid", #"<span class="tag hybrid">"#), ("trenger-handling", #"<span class="tag warn">"#)] {
                let list = try await browser.get("/portefolje?filter=\(filter)")
                let rows = list.text.components(separatedBy: "<td><a href=\"/kandidater/").count - 1
                #expect(rows > 0 && list.text.components(separatedBy: tag).count - 1 == rows, "\(filter): \(rows) rows")
            }
            let everyone = try await browser.get("/portefolje?filter=alle&sort=navn")
            #expect(everyone.text.components(separatedBy: #"<span class="tag hybrid">"#).count - 1
                < everyone.text.components(separatedBy: "<td><a href=\"/kandidater/").count - 1, "not every row is hybrid")
            // The default columns, cell by cell: national ID masked, innsatsgruppe, benefit, last contact, next meeting.
            #expect(page.text.contains(#"<td class="nowrap">\#(fnrs[0].prefix(6))*****</td><td>Spesielt tilpasset innsats</td><td>Arbeidsavklaringspenger (AAP)</td><td class="nowrap">Aldri</td><td class="nowrap">–</td>"#),
                    "\(page.text.components(separatedBy: "<tbody>").last?.prefix(800) ?? "")")
            try await browser.post("/portefolje/kolonner", [("columns[]", "kommune"), ("columns[]", "registrert")])
            let user = try await t.user("veileder1")
            #expect(user.portfolioColumns == "kommune,registrert")
            let changed = try await browser.get("/portefolje")
            #expect(!changed.text.contains("<th scope=\"col\">Fødselsnr.</th>"), "\(changed.text.components(separatedBy: "<thead>").last?.prefix(600) ?? "")")
            #expect(changed.text.contains("<th scope=\"col\">Kommune</th>"))
            let today = DisplayDate.date(t.clock.now())
            #expect(changed.text.contains(#"Nordmann</a></td>"#) && changed.text.components(separatedBy: #"<td>Bodø</td><td class="nowrap">\#(today)</td>"#).count - 1 >= 3)
            #expect(!changed.text.contains(#"\#(fnrs[0].prefix(6))*****"#), "a hidden column shows no cells")
            #expect(try await browser.get("/portefolje?sort=tull").status == .unprocessableEntity)
        }
    }

    @Test("The leader's overview shows counts without names, flags premise 1, and opens a portfolio only with a reason")
    func leaderOverview() async throws {
        try await withTestApp { t in
            let counselor = t.browser()
            try await counselor.login("veileder2")
            let id = try await CandidateFixture.register(counselor, CandidateFixture.fields(fnr: CandidateFixture.fnr(), first: "Navnløs", last: "Oversikt"))
            // veileder2 ends every hybrid follow-up: premise 1 is then broken for them.
            let veileder2 = try await t.user("veileder2")
            for candidate in try await Candidate.query(on: t.db).filter(\.$counselor.$id == veileder2.id!).filter(\.$isHybrid == true).all() {
                try await counselor.get("/kandidater/\(candidate.id!)")
                try await counselor.post("/kandidater/\(candidate.id!)/hybrid/avslutt", [("date", ""), ("reason", "Avsluttet i test")])
            }

            let leader = t.browser()
            try await leader.login("leder1")
            let overview = try await leader.get("/kontor/oversikt")
            #expect(overview.status == .ok)
            #expect(overview.text.contains("<h1>Oversikt over NAV Demo Nord</h1>"), "the leader's own office")
            #expect(overview.text.contains("Viktor Veileder"))
            #expect(overview.text.contains("Ingen hybridkandidat"))
            #expect(!overview.text.contains("Navnløs"))
            for candidate in try await Candidate.query(on: t.db).all() {
                #expect(!overview.text.contains(candidate.lastName + "<"), "no candidate names on the overview")
            }
            let rows = try await OfficeOverviewQuery(officeID: try await t.office("9901").id!, now: t.clock.now()).rows(on: t.sql)
            let row = try #require(rows.first { $0.id == veileder2.id })
            #expect(row.portfolio == (try await Candidate.query(on: t.db).filter(\.$counselor.$id == veileder2.id!).count()))
            #expect(row.hybrid == 0)

            #expect(try await leader.get("/kandidater/\(id)").status == .forbidden, "a leader needs a reason too")
            let noReason = try await leader.post("/kontor/oversikt/veiledere/\(veileder2.id!)", [("reason", "<b>")])
            #expect(noReason.status == .unprocessableEntity)
            // The refused reason's form is open on its counselor's row alone, marked invalid, with the
            // reason given back escaped, the counselor named in its label, and the session's form token.
            #expect(noReason.text.components(separatedBy: "<details open>").count == 2)
            let openRow = try #require(noReason.text.components(separatedBy: "<tr id=\"veileder-").first { $0.hasPrefix(veileder2.id!.uuidString) })
            let v2 = veileder2.id!.uuidString
            #expect(openRow.contains("<details open>") && openRow.contains(#"<input id="reason-\#(v2)" name="reason" type="text" value="&lt;b&gt;" aria-invalid="true">"#), "\(openRow)")
            #expect(openRow.contains(#"<label for="reason-\#(v2)">Hvorfor trenger du å se kandidatene til \#(veileder2.displayName)?</label>"#), "\(openRow)")
            #expect(openRow.contains(#"<form method="post" action="/kontor/oversikt/veiledere/\#(v2)" class="stack" novalidate><input type="hidden" name="_csrf" value=""#))
            let token = try await UserSession.query(on: t.db).filter(\.$user.$id == (try await t.user("leder1")).requireID()).first()?.csrfToken
            #expect(token.map { openRow.contains(#"name="_csrf" value="\#($0)""#) } == true, "the form carries the session's token")
            // Counts above zero are marked, a counselor without candidates has no reason form.
            let rowsHTML = noReason.text.components(separatedBy: "<tr id=\"veileder-").dropFirst()
            for overviewRow in rows {
                let html = try #require(rowsHTML.first { $0.hasPrefix(overviewRow.id.uuidString) })
                #expect(html.contains("<span class=\"tag warn\">\(overviewRow.needs_action)</span>") == (overviewRow.needs_action > 0))
                #expect(html.contains("<details") == (overviewRow.portfolio > 0))
            }
            let list = try await leader.get("/kontor/oversikt/veiledere/\(veileder2.id!)")
            #expect(list.status == .seeOther, "no reason, no list")
            let opened = try await leader.post("/kontor/oversikt/veiledere/\(veileder2.id!)", [("reason", "Fordeling av porteføljer før permisjon")])
            #expect(opened.status == .seeOther)
            let names = try await leader.get("/kontor/oversikt/veiledere/\(veileder2.id!)")
            #expect(names.status == .ok)
            #expect(names.text.contains("Navnløs Oversikt"))
            #expect(try await leader.get("/kandidater/\(id)").status == .ok)
            let audited = try await t.auditEntries(.candidateAccessReason)
            #expect(audited.contains { $0.objectID == veileder2.id!.uuidString && $0.detail?.contains("Fordeling av porteføljer") == true })

            try await leader.get("/kontor/oversikt")
            let settings = try await leader.post("/kontor/oversikt/hybrid", [("hybridMin", "3"), ("hybridMax", "2")])
            #expect(settings.status == .unprocessableEntity)
            try await leader.post("/kontor/oversikt/hybrid", [("hybridMin", "1"), ("hybridMax", "3")])
            let office = try await t.office("9901")
            #expect(office.hybridMin == 1 && office.hybridMax == 3)

            let counselorTries = try await counselor.get("/kontor/oversikt")
            #expect(counselorTries.status == .forbidden)
        }
    }

    @Test("The office overview's counts equal the candidates' rows, read from the office index alone and in its order on SQLite (M0015)")
    func overviewFromIndex() async throws {
        try await withTestApp { t in
            let officeID = try await t.office("9901").requireID()
            let now = t.clock.now()
            // A counselor with no candidate at all must count 0, not the one row the LEFT JOIN gives.
            let empty = User(username: "tomveileder", displayName: "Tom Portefølje", officeID: officeID, passwordHash: "x", mustChangePassword: false)
            try await empty.create(on: t.db)
            try await UserRole(userID: empty.requireID(), role: .veileder).create(on: t.db)

            struct Candidate: Decodable { var counselor_id: UUID; var is_hybrid: Bool; var needs_action_at: Date?; var last_contact_at: Date? }
            let candidates = try await t.sql.raw("SELECT counselor_id, is_hybrid, needs_action_at, last_contact_at FROM candidates WHERE office_id = \(bind: officeID)")
                .all(decoding: Candidate.self)
            #expect(candidates.count > 10 && candidates.contains { $0.needs_action_at != nil } && candidates.contains(where: \.is_hybrid))
            let rows = try await OfficeOverviewQuery(officeID: officeID, now: now).rows(on: t.sql)
            #expect(rows.contains { $0.id == empty.id && $0.portfolio == 0 && $0.hybrid == 0 && $0.needs_action == 0 && $0.last_contact_at == nil })
            for row in rows {
                let theirs = candidates.filter { $0.counselor_id == row.id }
                #expect(row.portfolio == theirs.count)
                #expect(row.hybrid == theirs.filter(\.is_hybrid).count)
                #expect(row.needs_action == theirs.filter { $0.needs_action_at.map { $0 <= now } ?? false }.count)
                let latest = theirs.compactMap(\.last_contact_at).max()
                #expect(row.last_contact_at.map { $0.timeIntervalSince1970.rounded() } == latest.map { $0.timeIntervalSince1970.rounded() })
            }
            #expect(rows.reduce(0) { $0 + $1.portfolio } == candidates.count, "every candidate at the office is counted once")

            switch t.dialect {
            case .sqlite:
                struct Step: Decodable { var detail: String }
                let query = OfficeOverviewQuery(officeID: officeID, now: now).query
                let plan = try await t.sql.raw("EXPLAIN QUERY PLAN \(query)").all(decoding: Step.self).map(\.detail)
                #expect(plan.contains { $0.contains("SEARCH c USING COVERING INDEX candidates_office_idx (office_id=?)") }, "\(plan)")
                // Counted in the index's counselor order: no sorting of the office's candidates to group them.
                #expect(!plan.contains { $0.contains("TEMP B-TREE FOR GROUP BY") }, "\(plan)")
            case .postgres:
                struct Index: Decodable { var indexdef: String }
                let index = try await t.sql.raw("SELECT indexdef FROM pg_indexes WHERE indexname = 'candidates_office_idx'").first(decoding: Index.self)
                #expect(index?.indexdef.contains("(office_id, counselor_id, is_hybrid, needs_action_at, last_contact_at)") == true, "\(String(describing: index))")
            }
        }
    }

    @Test("A user's own access requests are read from the requester index, not by reading the table (M0016)")
    func ownRequestsFromIndex() async throws {
        try await withTestApp { t in
            let requester = try await t.user("veileder3").requireID()
            let query = PortfolioRequestReads.mineQuery(requesterID: requester)
            switch t.dialect {
            case .sqlite:
                struct Step: Decodable { var detail: String }
                let plan = try await t.sql.raw("EXPLAIN QUERY PLAN \(query)").all(decoding: Step.self).map(\.detail)
                #expect(plan.contains { $0.contains("USING INDEX candidate_access_requests_requester_idx (requester_id=?)") }, "\(plan)")
                #expect(!plan.contains { $0.contains("TEMP B-TREE") }, "sorted by the index: \(plan)")
            case .postgres:
                struct Index: Decodable { var indexdef: String }
                let index = try await t.sql.raw("SELECT indexdef FROM pg_indexes WHERE indexname = 'candidate_access_requests_requester_idx'").first(decoding: Index.self)
                #expect(index?.indexdef.contains("(requester_id, created_at)") == true, "\(String(describing: index))")
            }

            // Three requests of theirs, a day apart: declined, approved, still waiting.
            let candidates = try await Candidate.query(on: t.db).limit(3).all()
            let leader = try await t.user("leder1").requireID()
            let start = t.clock.now().addingTimeInterval(-3 * 86_400)
            for (index, (candidate, approved)) in zip(candidates, [false, true, nil] as [Bool?]).enumerated() {
                let request = CandidateAccessRequest()
                request.$candidate.id = try candidate.requireID()
                request.$requester.id = requester
                request.reason = "Test \(index)"
                request.createdAt = start.addingTimeInterval(Double(index) * 86_400)
                if let approved {
                    request.decidedAt = request.createdAt.addingTimeInterval(3_600)
                    request.$decidedBy.id = leader
                    request.approved = approved
                }
                try await request.create(on: t.db)
            }
            let mine = try await PortfolioRequestReads.mine(requesterID: requester, on: t.app.readDB)
            #expect(try mine.map(\.candidateID) == candidates.reversed().map { try $0.requireID() }, "newest first")
            #expect(mine.map(\.decided) == [false, true, true])
            #expect(mine.map(\.approved) == [false, true, false])
            #expect(try await PortfolioRequestReads.mine(requesterID: leader, on: t.app.readDB).isEmpty, "only the requester's own")
        }
    }
}
