@testable import App
import Fluent
import Foundation
import NIOConcurrencyHelpers
import Testing
import Vapor
import VaporTesting

/// Helpers for the employer contact's workspace. The employer contact (`arbeidsgiver1`) uses the
/// pages as a person would; setup that is not under test (the candidate's agreements, meetings)
/// is done as the counselor `veileder1`, through the services or the staff pages.
private enum EW {
    static let username = "arbeidsgiver1"
    /// Text that is in the candidate's record and must never reach the employer.
    static let healthNote = "Helsenotat-7Q: trenger hvile etter anfall"

    private static let counter = NIOLockedValueBox(0)

    /// A fresh synthetic number born 1966–68 (old enough to be nobody in the demo data, young
    /// enough for any agreement).
    static func fnr() -> String {
        let n = counter.withLockedValue { value -> Int in
            value += 1
            return value
        }
        return NationalID.synthetic(day: 1 + n % 28, month: 1 + (n / 28) % 12, year: 1966 + (n / 336) % 3, individualSeed: n * 61 + 5)
    }

    static func day(_ t: TestApp, _ days: Int) -> String {
        DisplayDate.dayInput(t.clock.now().addingTimeInterval(Double(days) * 86_400))
    }

    struct Contact {
        var userID: UUID
        var displayName: String
        var employerID: UUID
        var officeID: UUID
    }

    /// arbeidsgiver1 (demo data) and whom the account stands for.
    static func contact(_ t: TestApp) async throws -> Contact {
        let user = try await t.user(username)
        let account = try #require(try await ExternalAccount.query(on: t.db).filter(\.$user.$id == user.requireID()).first(),
                                   "arbeidsgiver1 has no external account")
        #expect(account.role == .arbeidsgiver && account.$employerContact.id != nil)
        return Contact(userID: try user.requireID(), displayName: user.displayName, employerID: account.$employer.id, officeID: account.$office.id)
    }

    /// The confidentiality declaration, accepted as the person would (once; again does nothing).
    static func acceptDeclaration(_ browser: Browser, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let page = try await browser.get("/erklaering")
        #expect(page.status == .ok, "the declaration answered \(page.status.code)", sourceLocation: sourceLocation)
        let accepted = try await browser.post("/erklaering", [("accept", "1")])
        #expect(accepted.status == .seeOther, "accepting answered \(accepted.status.code)", sourceLocation: sourceLocation)
    }

    /// arbeidsgiver1 signed in, the declaration accepted, on their start page.
    static func signIn(_ t: TestApp, sourceLocation: SourceLocation = #_sourceLocation) async throws -> Browser {
        _ = try await contact(t)
        let browser = t.browser()
        try await browser.login(username)
        try await acceptDeclaration(browser, sourceLocation: sourceLocation)
        let home = try await browser.get("/arbeidsgiver")
        #expect(home.status == .ok, "/arbeidsgiver answered \(home.status.code): \(home.text.prefix(300))", sourceLocation: sourceLocation)
        return browser
    }

    struct Story {
        var contact: Contact
        var candidate: Candidate
        var pathway: Pathway
        var opened: OpenedPathway
        var counselor: User
        var service: AgreementService
    }

    /// A fresh candidate of veileder1 with a pathway: registered and started through the pages.
    static func story(_ t: TestApp, first: String = "Åsmund", last: String = "Kvernhusvik") async throws -> Story {
        let contact = try await contact(t)
        let staff = t.browser()
        try await staff.login("veileder1")
        var fields = CandidateFixture.fields(fnr: fnr(), first: first, last: last, innsats: "standard")
        fields = fields.map { $0.0 == "supportNeeds" ? ($0.0, healthNote) : $0 }
        let candidateID = try await CandidateFixture.register(staff, fields)
        let office = try #require(try await Candidate.find(candidateID, on: t.db)).$office.id
        let records = try await t.app.samskap.methodModels.available(for: office, on: t.db)
        let model = try #require(records.first { $0.key == "hybridmodellen" }?.id)
        try await staff.get("/kandidater/\(candidateID)/forlop/ny")
        let started = try await staff.post("/kandidater/\(candidateID)/forlop", [
            ("methodModel", model.uuidString), ("referralDate", day(t, -60)), ("referrer", "Veileder Per"),
        ])
        #expect(started.status == .seeOther, "start answered \(started.status.code)")
        let pathway = try #require(try await Pathway.query(on: t.db).filter(\.$candidate.$id == candidateID).first())
        let candidate = try #require(try await Candidate.find(candidateID, on: t.db))
        let record = try #require(try await MethodModelRecord.find(pathway.$methodModel.id, on: t.db))
        let opened = OpenedPathway(pathway: pathway, candidate: OpenedCandidate(candidate: candidate, level: .full), recordID: try record.requireID(),
                                   model: try t.app.samskap.methodModels.model(record))
        let counselor = try await t.user("veileder1")
        let service = AgreementService(app: t.app, context: AuditContext(actorUserID: counselor.id, actorUsername: counselor.username, requestID: nil),
                                       actorID: try counselor.requireID(), now: t.clock.now())
        return Story(contact: contact, candidate: candidate, pathway: pathway, opened: opened, counselor: counselor, service: service)
    }

    /// A complete work-training agreement on the story's pathway, approved by `approvals`.
    @discardableResult
    static func agreement(_ t: TestApp, _ s: Story, employer: UUID? = nil, type: AgreementType = .workTraining, start: Int = 14, end: Int = 104,
                          approvals: [ApprovalParty] = [.counselor]) async throws -> UUID {
        var draft = AgreementRules.Draft(startDate: day(t, start), endDate: day(t, end))
        draft.goals = [.init(kind: AgreementGoalKind.workExperience.rawValue, description: "Faste oppgaver på lageret")]
        draft.tasks = "Varemottak og plukk"
        draft.followUp = "Veileder kommer innom annenhver uke"
        draft.navContact = "Vera Veileder, tlf. 55 55 33 33"
        draft.workplaceContact = "Siv Lager, tlf. 412 34 568"
        let agreement = try await s.service.create(s.opened, type: type, employerID: employer ?? s.contact.employerID, draft: draft)
        for party in approvals {
            try await s.service.approve(try await snapshot(t, agreement.requireID()), s.opened, party: party.rawValue)
        }
        return try agreement.requireID()
    }

    static func snapshot(_ t: TestApp, _ id: UUID) async throws -> AgreementSnapshot {
        try await AgreementSnapshot.load(try #require(try await Agreement.find(id, on: t.db)), on: t.db)
    }

    /// Another employer of the same office: a company the contact does not stand for.
    static func otherEmployer(_ t: TestApp, _ contact: Contact) async throws -> UUID {
        try #require(try await Employer.query(on: t.db).filter(\.$office.$id == contact.officeID).filter(\.$id != contact.employerID)
            .sort(\.$name).first()?.requireID())
    }

    // MARK: - What must never reach the employer

    /// Text as Leaf puts it in a page.
    static func html(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "\"", with: "&quot;").replacingOccurrences(of: "'", with: "&#39;")
            .replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }

    /// No national ID number in the body: eleven digits in a row, or six and five with a space.
    /// Record ids are taken out first — a UUID's last group can hold eleven digits by chance.
    static func expectNoNationalID(_ body: String, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let withoutIDs = body.replacingOccurrences(of: #"[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}"#, with: "<id>",
                                                   options: .regularExpression)
        for pattern in [#"\d{11}"#, #"\d{6} \d{5}"#] {
            let found = withoutIDs.range(of: pattern, options: .regularExpression).map { String(withoutIDs[$0]) }
            #expect(found == nil, "\(what) shows \(found ?? "")", sourceLocation: sourceLocation)
        }
    }

    /// Nothing of the candidate but the first name: no number, last name, benefit or health note.
    static func expectOnlyFirstName(_ body: String, _ s: Story, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        expectNoNationalID(body, what, sourceLocation: sourceLocation)
        #expect(!body.contains(s.candidate.fnr), "\(what) shows the candidate's number", sourceLocation: sourceLocation)
        #expect(!body.contains(s.candidate.lastName), "\(what) shows the last name", sourceLocation: sourceLocation)
        #expect(!body.contains(html(healthNote)) && !body.contains("Helsenotat-7Q"), "\(what) shows the health note", sourceLocation: sourceLocation)
        #expect(!body.contains("Arbeidsavklaringspenger"), "\(what) shows the benefit", sourceLocation: sourceLocation)
    }

    /// Every page the contact can reach from their start page by links (and the agreement pages'
    /// forms' answers are checked where they are posted): each body scanned.
    static func crawl(_ browser: Browser, from start: String = "/arbeidsgiver", limit: Int = 40) async throws -> [String: TestingHTTPResponse] {
        var seen: [String: TestingHTTPResponse] = [:]
        var queue = [start]
        let regex = try Regex(##"href="(/[^"#?]*)"##)
        while let path = queue.first, seen.count < limit {
            queue.removeFirst()
            guard seen[path] == nil else { continue }
            let response = try await browser.get(path)
            seen[path] = response
            for match in response.text.matches(of: regex) {
                guard let link = match.output[1].substring.map(String.init) else { continue }
                if link.hasPrefix("/css/") || link.hasPrefix("/favicon") || seen[link] != nil { continue }
                queue.append(link)
            }
        }
        return seen
    }

    static func deniedEntries(_ t: TestApp, since before: Set<Int?>) async throws -> [AuditEntry] {
        try await t.auditEntries(.accessDenied).filter { !before.contains($0.id) && $0.actorUsername == username && $0.outcome == "denied" }
    }

    static func auditIDs(_ t: TestApp, _ action: AuditAction) async throws -> Set<Int?> {
        Set(try await t.auditEntries(action).map(\.id))
    }

    /// The error shown for a field id, if any.
    static func error(_ html: String, _ id: String) -> String? {
        guard let regex = try? Regex("<p class=\"field-error\" id=\"\(NSRegularExpression.escapedPattern(for: id))-error\">([^<]*)</p>"),
              let match = html.firstMatch(of: regex) else { return nil }
        return match.output[1].substring.map(String.init)
    }

    /// A page answered as expected and shows no template leftovers or raw string keys.
    static func expectRendered(_ response: TestingHTTPResponse, _ path: String, status: HTTPStatus = .ok, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(response.status == status, "\(path) answered \(response.status.code): \(response.text.prefix(300))", sourceLocation: sourceLocation)
        for marker in ["LeafError", "LeafKit", "#(", "#t(", "#if(", "#else", "#endif", "#for(", "#endfor", "#extend(", "#export(", "Internal Server Error"] {
            #expect(!response.text.contains(marker), "\(path) shows \(marker)", sourceLocation: sourceLocation)
        }
        let prefixes = "employer_workspace|messages|agreement|agreement_status|agreement_type|agreement_goal|approval_party|meeting_type|meeting_status|flash|form"
        if let regex = try? Regex(">\\s*((?:\(prefixes))\\.[A-Za-z_0-9][A-Za-z_0-9.+-]*)\\s*<") {
            let keys = response.text.matches(of: regex).compactMap { $0.output[1].substring.map(String.init) }
            #expect(keys.isEmpty, "\(path) shows raw string keys: \(keys)", sourceLocation: sourceLocation)
        }
    }
}

@Suite("Employer workspace: the employer contact's agreements, approval, meetings and messages to the counselor")
struct EmployerWorkspaceTests {
    // MARK: - Plain rules

    @Test("Rules: the 12-week window, misregistrations gone at once, meetings with the employer only, the message's length and numbers")
    func rules() throws {
        let now = Date(timeIntervalSince1970: 1_790_000_000)
        let day: (Int) -> Date = { Calendar.oslo.startOfDay(for: now.addingTimeInterval(Double($0) * 86_400)) }
        #expect(EmployerWorkspaceRules.isVisible(end: nil, annulledOn: nil, annulReason: nil, pathwayClosed: nil, at: now))
        #expect(EmployerWorkspaceRules.isVisible(end: day(-83), annulledOn: nil, annulReason: nil, pathwayClosed: nil, at: now))
        #expect(!EmployerWorkspaceRules.isVisible(end: day(-85), annulledOn: nil, annulReason: nil, pathwayClosed: nil, at: now))
        #expect(!EmployerWorkspaceRules.isVisible(end: day(30), annulledOn: nil, annulReason: nil, pathwayClosed: day(-90), at: now))
        #expect(EmployerWorkspaceRules.isVisible(end: day(30), annulledOn: day(-10), annulReason: .ill, pathwayClosed: nil, at: now))
        #expect(!EmployerWorkspaceRules.isVisible(end: day(30), annulledOn: day(0), annulReason: .misregistration, pathwayClosed: nil, at: now))

        let employer = [MeetingParticipant(role: .counselor, name: nil), MeetingParticipant(role: .employer, name: nil)]
        let start = now.addingTimeInterval(7 * 86_400)
        #expect(EmployerWorkspaceRules.showsMeeting(participants: employer, startsAt: start, endsAt: start + 3_600, firstAgreementMade: now, now: now))
        #expect(!EmployerWorkspaceRules.showsMeeting(participants: [.init(role: .candidate, name: nil)], startsAt: start, endsAt: start + 3_600,
                                                     firstAgreementMade: now, now: now), "a meeting without the employer")
        #expect(!EmployerWorkspaceRules.showsMeeting(participants: employer, startsAt: day(-5), endsAt: day(-5) + 3_600, firstAgreementMade: now, now: now),
                "a meeting from before the company's first agreement")
        #expect(!EmployerWorkspaceRules.showsMeeting(participants: employer, startsAt: day(-40), endsAt: day(-40) + 3_600, firstAgreementMade: day(-100), now: now),
                "long past")

        #expect(try EmployerWorkspaceRules.message("  Hei «æøå»  \n").get() == "Hei «æøå»")
        for bad in ["", "   \n ", String(repeating: "x", count: 2_001), "Fnr 01017012345 her", "Fnr 010170 12345 her"] {
            #expect(throws: ProblemError.self) { try EmployerWorkspaceRules.message(bad).get() }
        }
        #expect(try EmployerWorkspaceRules.message(String(repeating: "ø", count: 2_000)).get().count == 2_000)
        #expect(EmployerWorkspaceRules.withoutNationalIDs("Kari 01017012345, tlf. 412 34 568") == "Kari […], tlf. 412 34 568")
    }

    // MARK: - 1. The start page and what never shows

    @Test("arbeidsgiver1 sees the company's agreements with type, period, status and the first name only; another company's never; no national ID number on any page they reach")
    func startPage() async throws {
        try await withTestApp { t in
            let s = try await EW.story(t)
            let mine = try await EW.agreement(t, s)
            let running = try await EW.agreement(t, s, type: .mentor, start: -30, end: 60, approvals: [])
            let otherCompany = try await EW.otherEmployer(t, s.contact)
            let theirs = try await EW.agreement(t, s, employer: otherCompany, type: .jobTaste, start: 3, end: 5)
            _ = running

            let browser = try await EW.signIn(t)
            let home = try await browser.get("/arbeidsgiver")
            EW.expectRendered(home, "/arbeidsgiver")
            let employer = try #require(try await Employer.find(s.contact.employerID, on: t.db))
            #expect(home.text.contains(EW.html(employer.name)))
            #expect(home.text.contains("/arbeidsgiver/avtaler/\(mine)"))
            #expect(home.text.contains("Arbeidstrening – Åsmund"))
            #expect(home.text.contains("Mangler godkjenning"), "the derived status, with the agreements' own label")
            #expect(home.text.contains("Venter på deg"))
            #expect(home.text.contains("Mentor – Åsmund") && home.text.contains("Påbegynt"), "an agreement still being written is listed too")
            #expect(home.text.contains(AgreementPage.period(try await EW.snapshot(t, mine).terms)))
            #expect(!home.text.contains("/arbeidsgiver/avtaler/\(theirs)") && !home.text.contains("Jobbsmak"), "another company's agreement never shows")
            EW.expectOnlyFirstName(home.text, s, "/arbeidsgiver")

            // Reading the list is recorded against the candidate, with the contact as actor.
            let reads = try await t.auditEntries(.agreementRead).filter { $0.actorUsername == EW.username }
            #expect(reads.contains { $0.objectID == s.candidate.id?.uuidString && ($0.detail ?? "").contains("\(mine)") })

            // Every page they can reach, and the staff pages they cannot: no number, no last name.
            let pages = try await EW.crawl(browser)
            #expect(pages["/arbeidsgiver/avtaler/\(mine)"]?.status == .ok)
            for (path, response) in pages {
                EW.expectOnlyFirstName(response.text, s, path)
                if path.hasPrefix("/arbeidsgiver") { EW.expectRendered(response, path) }
            }
            for path in ["/", "/portefolje", "/kandidater/\(s.candidate.id!)", "/forlop/\(s.pathway.id!)", "/avtaler/\(mine)", "/meldinger", "/meg"] {
                let response = try await browser.get(path)
                #expect(response.status != .ok, "\(path) answered 200 to an employer contact")
                EW.expectOnlyFirstName(response.text, s, path)
            }
        }
    }

    // MARK: - 2. Another company's agreement

    @Test("Another company's agreement, or an id that does not exist: 404 on the page and its forms, nothing stored, a denied audit entry")
    func otherCompany() async throws {
        try await withTestApp { t in
            let s = try await EW.story(t)
            let otherCompany = try await EW.otherEmployer(t, s.contact)
            let theirs = try await EW.agreement(t, s, employer: otherCompany)
            let browser = try await EW.signIn(t)
            let before = try await EW.auditIDs(t, .accessDenied)
            let approvals = try await AgreementApproval.query(on: t.db).count()
            let messages = try await WorkspaceMessage.query(on: t.db).count()

            let page = try await browser.get("/arbeidsgiver/avtaler/\(theirs)")
            #expect(page.status == .notFound)
            #expect(!page.text.contains("Åsmund") && !page.text.contains("Arbeidstrening"))
            EW.expectOnlyFirstName(page.text, s, "404")
            let approve = try await browser.post("/arbeidsgiver/avtaler/\(theirs)/godkjenn", [("version", "1")])
            #expect(approve.status == .notFound)
            let message = try await browser.post("/arbeidsgiver/avtaler/\(theirs)/melding", [("text", "Hei")])
            #expect(message.status == .notFound)
            #expect(try await AgreementApproval.query(on: t.db).count() == approvals)
            #expect(try await WorkspaceMessage.query(on: t.db).count() == messages)

            let denied = try await EW.deniedEntries(t, since: before)
            #expect(denied.count == 3, "one denied entry per attempt, got \(denied.count)")
            #expect(denied.allSatisfy { $0.objectID == s.candidate.id?.uuidString && ($0.detail ?? "").contains("\(theirs)") },
                    "recorded against the candidate, naming the agreement")
            #expect(denied.allSatisfy { $0.officeID == s.contact.officeID })

            // An id that does not exist looks the same, and is recorded too.
            let unknown = UUID()
            let missing = try await browser.get("/arbeidsgiver/avtaler/\(unknown)")
            #expect(missing.status == .notFound)
            #expect(try await EW.deniedEntries(t, since: before).count == 4)
            #expect(try await browser.get("/arbeidsgiver/avtaler/ikke-en-id").status == .notFound)
        }
    }

    @Test("A contact person removed from the employer register sees nothing any more (403, audited)")
    func removedContact() async throws {
        try await withTestApp { t in
            let s = try await EW.story(t)
            let id = try await EW.agreement(t, s)
            let browser = try await EW.signIn(t)
            let user = try await t.user(EW.username)
            let account = try #require(try await ExternalAccount.query(on: t.db).filter(\.$user.$id == user.requireID()).first())
            let contact = try #require(try await EmployerContact.find(account.$employerContact.id, on: t.db))
            contact.removedAt = t.clock.now()
            try await contact.save(on: t.db)
            let before = try await EW.auditIDs(t, .accessDenied)
            #expect(try await browser.get("/arbeidsgiver").status == .forbidden)
            let page = try await browser.get("/arbeidsgiver/avtaler/\(id)")
            #expect(page.status == .forbidden && !page.text.contains("Åsmund"))
            #expect(try await EW.deniedEntries(t, since: before).count == 2)
        }
    }

    // MARK: - 3. The employer's approval

    @Test("Approving as employer: stored as party arbeidsgiver by the contact, audited with them as actor; twice → 409 and nothing duplicated; a changed agreement is not approved blind")
    func approval() async throws {
        try await withTestApp { t in
            let s = try await EW.story(t)
            let id = try await EW.agreement(t, s)
            let browser = try await EW.signIn(t)
            let path = "/arbeidsgiver/avtaler/\(id)"

            let page = try await browser.get(path)
            EW.expectRendered(page, path)
            #expect(page.text.contains("Godkjenn som arbeidsgiver"))
            #expect(page.text.contains("Arbeidstrening for Åsmund"))
            for text in ["Varemottak og plukk", "Veileder kommer innom annenhver uke", "Siv Lager, tlf. 412 34 568", "Vera Veileder, tlf. 55 55 33 33",
                         "Faste oppgaver på lageret", "Veileder (NAV): godkjent", "Arbeidsgiver: ikke godkjent ennå"] {
                #expect(page.text.contains(text), "the page shows \(text)")
            }
            EW.expectOnlyFirstName(page.text, s, path)

            // The version read is the version approved: a stale form approves nothing.
            let stale = try await browser.post("\(path)/godkjenn", [("version", "7")])
            #expect(stale.status == .conflict)
            #expect(stale.text.contains("NAV har endret avtalen etter at du åpnet den."))
            #expect(try await AgreementApproval.query(on: t.db).filter(\.$agreement.$id == id).filter(\.$party == .employer).count() == 0)

            let beforeAudit = try await EW.auditIDs(t, .agreementApproved)
            try await browser.get(path)
            let approved = try await browser.post("\(path)/godkjenn", [("version", "1")])
            #expect(approved.status == .seeOther, "approve answered \(approved.status.code): \(approved.text.prefix(300))")
            let rows = try await AgreementApproval.query(on: t.db).filter(\.$agreement.$id == id).filter(\.$party == .employer).all()
            #expect(rows.count == 1)
            #expect(rows.first?.$approvedBy.id == s.contact.userID && rows.first?.version == 1)
            let snapshot = try await EW.snapshot(t, id)
            #expect(snapshot.status(now: t.clock.now()) == .readyToStart)
            #expect(snapshot.current.fullyApprovedAt != nil)
            let entries = try await t.auditEntries(.agreementApproved).filter { !beforeAudit.contains($0.id) }
            #expect(entries.count == 1)
            #expect(entries.first?.actorUsername == EW.username && entries.first?.actorUserID == s.contact.userID)
            #expect(entries.first?.objectID == s.candidate.id?.uuidString)
            #expect((entries.first?.detail ?? "").contains("arbeidsgiver, versjon 1"))

            let after = try await browser.get(path)
            EW.expectRendered(after, path)
            #expect(!after.text.contains("Godkjenn som arbeidsgiver"), "no button once approved")
            #expect(after.text.contains("Arbeidsgiver: godkjent") && after.text.contains("Klar for oppstart"))

            // Twice: 409, no second row, no second entry.
            let again = try await browser.post("\(path)/godkjenn", [("version", "1")])
            #expect(again.status == .conflict)
            #expect(again.text.contains("Denne parten har allerede godkjent denne versjonen."))
            #expect(try await AgreementApproval.query(on: t.db).filter(\.$agreement.$id == id).filter(\.$party == .employer).count() == 1)
            #expect(try await t.auditEntries(.agreementApproved).filter { !beforeAudit.contains($0.id) }.count == 1)

            // An agreement still being written cannot be approved: 409, nothing stored.
            var draft = AgreementRules.Draft(startDate: EW.day(t, 10))
            draft.tasks = "Ikke ferdig"
            let unfinished = try await s.service.create(s.opened, type: .workPractice, employerID: s.contact.employerID, draft: draft)
            let unfinishedID = try unfinished.requireID()
            let unfinishedPage = try await browser.get("/arbeidsgiver/avtaler/\(unfinishedID)")
            #expect(unfinishedPage.status == .ok && !unfinishedPage.text.contains("Godkjenn som arbeidsgiver"))
            let refused = try await browser.post("/arbeidsgiver/avtaler/\(unfinishedID)/godkjenn", [("version", "1")])
            #expect(refused.status == .conflict)
            #expect(try await AgreementApproval.query(on: t.db).filter(\.$agreement.$id == unfinishedID).count() == 0)
        }
    }

    // MARK: - 4. Messages to the counselor

    @Test("A message goes to the pathway's counselor: on /meldinger for them only, marked as read by them alone (others 404), shown to the contact with its read time")
    func messages() async throws {
        try await withTestApp { t in
            let s = try await EW.story(t)
            let id = try await EW.agreement(t, s)
            let browser = try await EW.signIn(t)
            let path = "/arbeidsgiver/avtaler/\(id)"
            let counselorID = try s.counselor.requireID()
            let unreadBefore = try await WorkspaceMessages.unreadCount(for: counselorID, on: t.db)
            let beforeAudit = try await EW.auditIDs(t, .employerMessageSent)

            try await browser.get(path)
            let text = "Åsmund møtte presis hele uka. Kan vi snakke om flere timer?"
            let sent = try await browser.post("\(path)/melding", [("text", text)])
            #expect(sent.status == .seeOther, "send answered \(sent.status.code): \(sent.text.prefix(300))")
            let stored = try #require(try await WorkspaceMessage.query(on: t.db).filter(\.$fromUser.$id == s.contact.userID).filter(\.$text == text).first())
            #expect(stored.$toUser.id == counselorID && stored.$toUser.id == s.pathway.$counselor.id)
            #expect(stored.$agreement.id == id && stored.$pathway.id == s.pathway.id)
            #expect(stored.$employer.id == s.contact.employerID && stored.$office.id == s.pathway.$office.id)
            #expect(stored.readAt == nil && stored.sentAt == t.clock.now())
            #expect(try await WorkspaceMessages.unreadCount(for: counselorID, on: t.db) == unreadBefore + 1)
            let entries = try await t.auditEntries(.employerMessageSent).filter { !beforeAudit.contains($0.id) }
            #expect(entries.count == 1 && entries.first?.actorUsername == EW.username && entries.first?.objectID == s.candidate.id?.uuidString)
            let detail = entries.first?.detail ?? ""
            #expect(detail.contains("melding") && detail.range(of: "presis") == nil, "the audit trail does not copy the text: \(detail)")

            let own = try await browser.get(path)
            EW.expectRendered(own, path)
            #expect(own.text.contains(EW.html(text)) && own.text.contains("Meldinger du har sendt"))
            #expect(own.text.contains("Vera Veileder"), "the contact sees whom the message goes to")

            // The counselor's list: company, sender, link to the agreement, marked unread.
            let staff = t.browser()
            try await staff.login("veileder1")
            let list = try await staff.get("/meldinger")
            EW.expectRendered(list, "/meldinger")
            let employer = try #require(try await Employer.find(s.contact.employerID, on: t.db))
            let item = try #require(list.text.components(separatedBy: "<li id=\"melding-").first { $0.hasPrefix(stored.id!.uuidString) })
            #expect(item.contains(EW.html(text)) && item.contains(EW.html(employer.name)) && item.contains(EW.html(s.contact.displayName)))
            #expect(item.contains("href=\"/avtaler/\(id)\"") && item.contains("ew-unread") && item.contains("Marker som lest"))

            // A colleague neither sees it nor can mark it.
            let colleague = t.browser()
            try await colleague.login("veileder2")
            let theirs = try await colleague.get("/meldinger")
            #expect(theirs.status == .ok && !theirs.text.contains(EW.html(text)))
            let deniedBefore = try await EW.auditIDs(t, .accessDenied)
            let notTheirs = try await colleague.post("/meldinger/\(stored.id!)/lest")
            #expect(notTheirs.status == .notFound)
            #expect(try await WorkspaceMessage.find(stored.id, on: t.db)?.readAt == nil)
            #expect(try await t.auditEntries(.accessDenied).contains { !deniedBefore.contains($0.id) && $0.actorUsername == "veileder2" && $0.outcome == "denied" })
            // The employer contact has no /meldinger at all.
            #expect(try await browser.get("/meldinger").status != .ok)

            // The counselor marks it as read; the second time changes nothing.
            let marked = try await staff.post("/meldinger/\(stored.id!)/lest")
            #expect(marked.status == .seeOther)
            let readAt = try #require(try await WorkspaceMessage.find(stored.id, on: t.db)?.readAt)
            #expect(try await WorkspaceMessages.unreadCount(for: counselorID, on: t.db) == unreadBefore)
            t.clock.advance(by: 60)
            #expect(try await staff.post("/meldinger/\(stored.id!)/lest").status == .seeOther)
            #expect(try await WorkspaceMessage.find(stored.id, on: t.db)?.readAt == readAt)
            let listAfter = try await staff.get("/meldinger")
            let itemAfter = try #require(listAfter.text.components(separatedBy: "<li id=\"melding-").first { $0.hasPrefix(stored.id!.uuidString) })
            #expect(!itemAfter.contains("ew-unread") && !itemAfter.contains("Marker som lest") && itemAfter.contains("lest \(DisplayDate.dateTime(readAt))"))
            #expect(try await browser.get(path).text.contains("lest av NAV \(DisplayDate.dateTime(readAt))"))
        }
    }

    @Test("Hostile message text: <script>, quotes and æøå stored as typed and shown escaped; 10 000 characters, an empty text or a national ID number refused in Norwegian, nothing stored")
    func hostileMessage() async throws {
        try await withTestApp { t in
            let s = try await EW.story(t)
            let id = try await EW.agreement(t, s)
            let browser = try await EW.signIn(t)
            let path = "/arbeidsgiver/avtaler/\(id)"
            let count = { try await WorkspaceMessage.query(on: t.db).filter(\.$fromUser.$id == s.contact.userID).count() }
            let before = try await count()

            try await browser.get(path)
            let long = String(repeating: "æ", count: 10_000)
            let tooLong = try await browser.post("\(path)/melding", [("text", long)])
            EW.expectRendered(tooLong, "too long", status: .unprocessableEntity)
            #expect(EW.error(tooLong.text, "melding-text") == "Meldingen er for lang: høyst 2000 tegn (du skrev 10000).")
            #expect(tooLong.text.contains("aria-invalid=\"true\""))
            let empty = try await browser.post("\(path)/melding", [("text", "  \n ")])
            #expect(empty.status == .unprocessableEntity)
            #expect(EW.error(empty.text, "melding-text") == "Skriv en melding før du sender.")
            let number = try await browser.post("\(path)/melding", [("text", "Gjelder \(s.candidate.fnr)")])
            #expect(number.status == .unprocessableEntity)
            #expect(EW.error(number.text, "melding-text")?.hasPrefix("Ikke skriv fødselsnummer") == true)
            #expect(!number.text.contains(s.candidate.fnr), "the number typed is not shown back")
            #expect(try await count() == before)

            let hostile = #"<script>alert("x")</script> 'sitat' «æøå» & </textarea>"#
            let sent = try await browser.post("\(path)/melding", [("text", hostile)])
            #expect(sent.status == .seeOther)
            #expect(try await WorkspaceMessage.query(on: t.db).filter(\.$fromUser.$id == s.contact.userID).filter(\.$text == hostile).count() == 1)
            let page = try await browser.get(path)
            #expect(page.text.contains(EW.html(hostile)))
            #expect(!page.text.contains("<script>alert") && !page.text.contains("</textarea> &"))
            let staff = t.browser()
            try await staff.login("veileder1")
            let list = try await staff.get("/meldinger")
            #expect(list.text.contains(EW.html(hostile)) && !list.text.contains("<script>alert"))
        }
    }

    // MARK: - 5. Meetings

    @Test("Meetings with the employer show type, time and place (never an agenda), attendance is confirmed once and audited; a meeting without the employer is not theirs (404)")
    func meetings() async throws {
        try await withTestApp { t in
            let s = try await EW.story(t)
            let id = try await EW.agreement(t, s)
            let staff = t.browser()
            try await staff.login("veileder1")
            func book(_ type: String, withEmployer: Bool, place: String, agenda: String) async throws -> UUID {
                try await staff.get("/forlop/\(s.pathway.id!)/oppfolging")
                var fields = [("type", type), ("day", EW.day(t, 7)), ("time", "10:00"), ("durationMinutes", "60"), ("place", place), ("others", ""),
                              ("agenda", agenda)]
                if withEmployer { fields.append(("with_arbeidsgiver", "on")) }
                let response = try await staff.post("/forlop/\(s.pathway.id!)/oppfolging/moter", fields)
                #expect(response.status == .seeOther, "booking answered \(response.status.code)")
                let location = try #require(response.headers.first(name: .location))
                return try #require(UUID(uuidString: String(location.split(separator: "?")[0].dropFirst("/moter/".count))))
            }
            let ours = try await book("trepartsmote", withEmployer: true, place: "Lageret, inngang B", agenda: "Agenda-HEMMELIG-1")
            let notOurs = try await book("karriereveiledning", withEmployer: false, place: "NAV-kontoret rom 4", agenda: "Agenda-HEMMELIG-2")

            let browser = try await EW.signIn(t)
            let home = try await browser.get("/arbeidsgiver")
            #expect(home.text.contains("Trepartsmøte – Åsmund") && home.text.contains("Lageret, inngang B"))
            let starts = try #require(try await Meeting.find(ours, on: t.db)).startsAt
            #expect(home.text.contains(DisplayDate.dateTime(starts)))
            #expect(!home.text.contains("Karriereveiledning") && !home.text.contains("NAV-kontoret rom 4"))
            #expect(!home.text.contains("Agenda-HEMMELIG"))
            let agreementPage = try await browser.get("/arbeidsgiver/avtaler/\(id)")
            #expect(agreementPage.text.contains("Trepartsmøte – Åsmund") && !agreementPage.text.contains("Agenda-HEMMELIG"))
            #expect(home.text.contains("/arbeidsgiver/moter/\(ours)/bekreft") && !home.text.contains("/arbeidsgiver/moter/\(notOurs)/bekreft"))

            let beforeAudit = try await EW.auditIDs(t, .employerMeetingConfirmed)
            let confirmed = try await browser.post("/arbeidsgiver/moter/\(ours)/bekreft", [("back", "/arbeidsgiver/avtaler/\(id)")])
            #expect(confirmed.status == .seeOther)
            #expect(confirmed.headers.first(name: .location)?.hasPrefix("/arbeidsgiver/avtaler/\(id)") == true)
            let rows = try await MeetingConfirmation.query(on: t.db).filter(\.$meeting.$id == ours).all()
            #expect(rows.count == 1 && rows.first?.$user.id == s.contact.userID && rows.first?.confirmedAt == t.clock.now())
            let entries = try await t.auditEntries(.employerMeetingConfirmed).filter { !beforeAudit.contains($0.id) }
            #expect(entries.count == 1 && entries.first?.actorUsername == EW.username && entries.first?.objectID == s.candidate.id?.uuidString)
            let after = try await browser.get("/arbeidsgiver")
            #expect(after.text.contains("Du har sagt at du kommer") && !after.text.contains("/arbeidsgiver/moter/\(ours)/bekreft"))

            // Again: nothing new. A place to go back to outside the workspace is not followed.
            let again = try await browser.post("/arbeidsgiver/moter/\(ours)/bekreft", [("back", "https://example.com/")])
            #expect(again.status == .seeOther && again.headers.first(name: .location)?.hasPrefix("/arbeidsgiver?") == true)
            #expect(try await MeetingConfirmation.query(on: t.db).filter(\.$meeting.$id == ours).count() == 1)
            #expect(try await t.auditEntries(.employerMeetingConfirmed).filter { !beforeAudit.contains($0.id) }.count == 1)

            // A meeting without the employer: 404, nothing stored, recorded as denied.
            let deniedBefore = try await EW.auditIDs(t, .accessDenied)
            let denied = try await browser.post("/arbeidsgiver/moter/\(notOurs)/bekreft")
            #expect(denied.status == .notFound)
            #expect(try await MeetingConfirmation.query(on: t.db).filter(\.$meeting.$id == notOurs).count() == 0)
            #expect(try await EW.deniedEntries(t, since: deniedBefore).count == 1)
        }
    }

    // MARK: - 6. The access window

    @Test("An ended agreement stays for 12 weeks and then disappears (list and page, 404 audited); one annulled as a misregistration disappears at once")
    func accessWindow() async throws {
        try await withTestApp { t in
            let s = try await EW.story(t)
            let ended = try await EW.agreement(t, s, start: -50, end: -10, approvals: [.counselor, .employer])
            let current = try await EW.agreement(t, s)
            let mistaken = try await EW.agreement(t, s, type: .mentor, start: 20, end: 50, approvals: [])

            var browser = try await EW.signIn(t)
            var home = try await browser.get("/arbeidsgiver")
            #expect(home.text.contains("/arbeidsgiver/avtaler/\(ended)") && home.text.contains("Avsluttet"))
            #expect(home.text.contains("/arbeidsgiver/avtaler/\(mistaken)"))

            // Annulled as a misregistration: gone at once.
            try await s.service.annul(try await EW.snapshot(t, mistaken), s.opened, reason: AnnulmentReason.misregistration.rawValue, note: nil,
                                      on: EW.day(t, 0))
            home = try await browser.get("/arbeidsgiver")
            #expect(!home.text.contains("/arbeidsgiver/avtaler/\(mistaken)"))
            #expect(try await browser.get("/arbeidsgiver/avtaler/\(mistaken)").status == .notFound)

            // The window closes 12 weeks after the end day (the whole end day counts), 75 days from
            // now: still there on day 74, gone on day 76.
            t.clock.advance(by: 74 * 86_400)
            browser = try await EW.signIn(t)
            home = try await browser.get("/arbeidsgiver")
            #expect(home.text.contains("/arbeidsgiver/avtaler/\(ended)"), "still inside the window")
            t.clock.advance(by: 2 * 86_400)
            browser = try await EW.signIn(t)
            home = try await browser.get("/arbeidsgiver")
            #expect(!home.text.contains("/arbeidsgiver/avtaler/\(ended)"), "the window has closed")
            #expect(home.text.contains("/arbeidsgiver/avtaler/\(current)"), "a running agreement stays")
            let before = try await EW.auditIDs(t, .accessDenied)
            let page = try await browser.get("/arbeidsgiver/avtaler/\(ended)")
            #expect(page.status == .notFound)
            let denied = try await EW.deniedEntries(t, since: before)
            #expect(denied.count == 1 && denied.first?.objectID == s.candidate.id?.uuidString)
        }
    }

    // MARK: - 7. Demo data

    @Test("The demo module writes arbeidsgiver1's two messages to the counselor of one of their agreements, once")
    func demo() async throws {
        try await withTestApp { t in
            let contact = try await EW.contact(t)
            let context = DemoSeeder.Context(app: t.app, db: t.db, passwordHash: "x")
            try await DemoEmployerWorkspace().seed(context)
            try await DemoEmployerWorkspace().seed(context)
            let messages = try await WorkspaceMessage.query(on: t.db).filter(\.$fromUser.$id == contact.userID).sort(\.$sentAt).all()
            #expect(messages.count == 2, "the demo company has an agreement in the window, and the messages are written once")
            for message in messages {
                let pathway = try #require(try await Pathway.find(message.$pathway.id, on: t.db))
                #expect(message.$toUser.id == pathway.$counselor.id && message.$employer.id == contact.employerID)
                EW.expectNoNationalID(message.text, "a demo message")
            }
            #expect(messages.first?.readAt != nil && messages.last?.readAt == nil)
            let counselor = try #require(messages.first?.$toUser.id)
            #expect(try await WorkspaceMessages.unreadCount(for: counselor, on: t.db) >= 1)
        }
    }
}
