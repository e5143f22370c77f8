@testable import App
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// Helpers for the follow-up pages, used as a counselor or leader would: forms posted with the
/// CSRF token, redirects followed, HTML read. Setup that is not under test goes through `/api/v1`.
private enum FP {
    /// Started through the API for the API client's user: a fresh candidate and a pathway.
    struct Started {
        var pathway: UUID
        var candidate: UUID
        var fnr: String
    }

    static func start(_ t: TestApp, _ api: APIClient, model: String = "hybridmodellen", daysAgo: Int = 100,
                      first: String = "Ingrid", last: String = "Solbakken") async throws -> Started {
        let fnr = CandidateFixture.fnr()
        let candidate = try await api.register(APICandidate.body(fnr: fnr, first: first, last: last, innsats: "standard"))
        let response = try await api.post("/api/v1/pathways", [
            "candidateId": candidate.id.uuidString, "methodModelId": try await PathwayFlowTests.modelID(api, key: model),
            "referralDate": PathwayFlowTests.day(t, daysAgo), "referrer": "Veileder Per",
        ])
        #expect(response.status == .created, "start answered \(response.status.code): \(response.text.prefix(300))")
        return Started(pathway: try response.content.decode(PathwayDTO.self).id, candidate: candidate.id, fnr: fnr)
    }

    /// An event `daysAgo` days back, through the API.
    static func event(_ t: TestApp, _ api: APIClient, _ pathway: UUID, _ type: String, daysAgo: Int, employer: String? = nil) async throws {
        var body: [String: Any] = ["type": type, "occurredAt": PathwayFlowTests.day(t, daysAgo)]
        if let employer { body["newEmployerName"] = employer }
        let response = try await api.post("/api/v1/pathways/\(pathway)/events", body)
        #expect(response.status == .created, "event \(type) answered \(response.status.code): \(response.text.prefix(300))")
    }

    /// `days` days from the test clock's today (negative: back), as a date input holds it.
    static func day(_ t: TestApp, _ days: Int) -> String {
        DisplayDate.dayInput(t.clock.now().addingTimeInterval(Double(days) * 86_400))
    }

    static func startOfDay(_ t: TestApp, _ days: Int) -> Date {
        DisplayDate.parseDay(day(t, days))!
    }

    static let day1: TimeInterval = 86_400

    /// Text as Leaf puts it in a page.
    static func html(_ text: String) -> String {
        text.unicodeScalars.reduce(into: "") { out, scalar in
            switch scalar {
            case "&": out += "&amp;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            default: out.unicodeScalars.append(scalar)
            }
        }
    }

    /// The bokmål text of a key, as the pages show it (before escaping).
    static func nb(_ t: TestApp, _ key: String, _ args: [String] = []) -> String {
        t.app.samskap.strings.text(key, locale: "nb", args: args)
    }

    /// An alert's reason as the pages write it.
    static func reason(_ t: TestApp, _ alert: Alert) -> String {
        AlertText.reason(alert, t: { key, args in nb(t, key, args) })
    }

    /// The path of a redirect, without the fragment.
    static func location(_ response: TestingHTTPResponse, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        try #require(response.headers.first(name: .location), "no Location (\(response.status.code)): \(problems(response.text))", sourceLocation: sourceLocation)
    }

    /// Expects a 303 and opens where it points (without the fragment).
    @discardableResult
    static func follow(_ browser: Browser, _ response: TestingHTTPResponse, sourceLocation: SourceLocation = #_sourceLocation) async throws -> TestingHTTPResponse {
        #expect(response.status == .seeOther, "expected 303, got \(response.status.code): \(problems(response.text))", sourceLocation: sourceLocation)
        let target = try location(response, sourceLocation: sourceLocation)
        let page = try await browser.get(String(target.split(separator: "#", maxSplits: 1)[0]))
        #expect(page.status == .ok, "GET \(target) answered \(page.status.code)", sourceLocation: sourceLocation)
        return page
    }

    /// The field errors of a page, "id: message", to explain a failed expectation.
    static func problems(_ html: String) -> String {
        guard let regex = try? Regex(#"<p class="field-error" id="([^"]+)">([^<]*)</p>"#) else { return "" }
        let found = html.matches(of: regex).map { m in "\(m.output[1].substring ?? ""): \(m.output[2].substring ?? "")" }
        return found.isEmpty ? String(html.prefix(300)) : found.joined(separator: " | ")
    }

    /// The `<div class="field">` of one form field: its label, input, hint and error.
    static func field(_ html: String, _ id: String) -> String? {
        guard let start = html.range(of: "<label for=\"\(id)\"") else { return nil }
        guard let end = html.range(of: "</div>", range: start.upperBound..<html.endIndex) else { return nil }
        return String(html[start.lowerBound..<end.lowerBound])
    }

    /// The error shown for a field id, if any.
    static func error(_ html: String, _ id: String) -> String? {
        guard let regex = try? Regex("<p class=\"field-error\" id=\"\(NSRegularExpression.escapedPattern(for: id))-error\">([^<]*)</p>"),
              let match = html.firstMatch(of: regex) else { return nil }
        return match.output[1].substring.map(String.init)
    }

    /// A page answered 200 and shows no template leftovers or raw string-table keys.
    static func expectRendered(_ response: TestingHTTPResponse, _ path: String, status: HTTPStatus = .ok, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(response.status == status, "\(path) answered \(response.status.code): \(response.text.prefix(300))", sourceLocation: sourceLocation)
        let text = response.text
        for marker in ["LeafError", "LeafKit", "#(", "#t(", "#if(", "#else", "#endif", "#for(", "#endfor", "#extend(", "#export(", "#count(", "Internal Server Error"] {
            #expect(!text.contains(marker), "\(path) shows \(marker)", sourceLocation: sourceLocation)
        }
        let keys = rawKeys(text)
        #expect(keys.isEmpty, "\(path) shows raw string keys: \(keys)", sourceLocation: sourceLocation)
    }

    /// String-table keys of the follow-up pages that stand in the text or a title (what `req.t` gives for a key it lacks).
    static func rawKeys(_ html: String) -> [String] {
        let prefixes = "alert|contact|contact_channel|contact_party|meeting|meeting_type|meeting_status|participant_role|plain_language|office_followup|followup|calendar|flash|form|home|account|agreement_type|pathway|problem"
        guard let regex = try? Regex("(?:>|title=\"|aria-label=\")[^<\"]*?\\b((?:\(prefixes))\\.[a-z_][a-z_0-9.]*[a-z_0-9])") else { return ["<pattern>"] }
        return html.matches(of: regex).compactMap { $0.output[1].substring.map(String.init) }
    }

    /// New audit entries of an action since `before` (the ids seen then).
    static func newEntries(_ t: TestApp, _ action: AuditAction, since before: Set<Int?>) async throws -> [AuditEntry] {
        try await t.auditEntries(action).filter { !before.contains($0.id) }
    }

    static func auditIDs(_ t: TestApp, _ action: AuditAction) async throws -> Set<Int?> {
        Set(try await t.auditEntries(action).map(\.id))
    }

    /// The `<li>` of the contact list that holds `needle`.
    static func contactItem(_ html: String, containing needle: String) -> String? {
        guard let list = html.range(of: "<ul class=\"plain-list contact-list\">"),
              let end = html.range(of: "<section id=\"moter\"", range: list.upperBound..<html.endIndex) else { return nil }
        let body = String(html[list.upperBound..<end.lowerBound])
        // Each contact's item starts on its own line; the plain-language list inside one does not.
        return body.components(separatedBy: "<li>\n").first { $0.contains(needle) }
    }

    /// Books a meeting through the follow-up page's form; returns the redirect.
    static func book(_ browser: Browser, _ pathway: UUID, type: String = "statusmote", day: String, time: String = "10:00",
                     extra: [(String, String)] = []) async throws -> TestingHTTPResponse {
        try await browser.get("/forlop/\(pathway)/oppfolging")
        var fields = [("type", type), ("day", day), ("time", time), ("durationMinutes", "60"), ("place", "NAV-kontoret"), ("others", ""), ("agenda", "")]
        for (name, value) in extra {
            if let index = fields.firstIndex(where: { $0.0 == name }) { fields[index].1 = value } else { fields.append((name, value)) }
        }
        return try await browser.post("/forlop/\(pathway)/oppfolging/moter", fields)
    }

    static func meetingID(_ response: TestingHTTPResponse, sourceLocation: SourceLocation = #_sourceLocation) throws -> UUID {
        let target = try location(response, sourceLocation: sourceLocation)
        let path = target.split(separator: "?", maxSplits: 1)[0]
        #expect(path.hasPrefix("/moter/"), "redirected to \(target)", sourceLocation: sourceLocation)
        return try #require(UUID(uuidString: String(path.dropFirst("/moter/".count))), "no meeting id in \(target)", sourceLocation: sourceLocation)
    }

    /// veileder1's open, not snoozed alerts, as the start page should list them.
    static func openAlerts(_ t: TestApp, _ username: String) async throws -> [Alert] {
        let user = try await t.user(username)
        guard let office = user.$office.id else { return [] }
        return try await AlertStore.current(for: try user.requireID(), officeID: office, on: t.db, now: t.clock.now())
    }
}

@Suite("Follow-up pages: start page alerts, the pathway's follow-up page, contacts, meetings, minutes, calendars, snoozing, the leader's settings, plain language")
struct FollowUpPagesTests {
    // MARK: - 1. The start page

    @Test("Start page: veileder1 sees 'Trenger oppfølging' with their own candidates' open alerts (names, kinds, reasons), never a colleague's; leder1 and admin see none; audited per candidate")
    func startPage() async throws {
        try await withTestApp { t in
            let mine = try await FP.openAlerts(t, "veileder1")
            #expect(!mine.isEmpty, "the demo has open alerts for veileder1")
            // The demo mentor1 has raised an alarm on one of veileder1's candidates.
            #expect(Set(mine.map(\.kind)).isSuperset(of: [.mentorAlarm, .noNextMeeting, .criterionOverdue]), "\(Set(mine.map(\.kind)))")
            let candidateIDs = Set(mine.map(\.$candidate.id))
            let candidates = try await Candidate.query(on: t.db).filter(\.$id ~~ candidateIDs).all()
            let myNames = Set(candidates.map(\.fullName))

            let browser = t.browser()
            try await browser.login("veileder1")
            let before = try await FP.auditIDs(t, .alertsRead)
            let page = try await browser.get("/")
            FP.expectRendered(page, "/")
            let html = page.text
            #expect(html.contains("<h2 id=\"alerts-heading\">Trenger oppfølging <span class=\"tag warn\">\(mine.count)</span></h2>"))
            for candidate in candidates {
                #expect(html.contains("<h3>\(FP.html(candidate.fullName))</h3>"), "\(candidate.fullName) is listed")
            }
            for alert in mine {
                let id = try alert.requireID()
                // A mentor's alarm is answered, every other alert can be snoozed.
                let action = alert.kind == .mentorAlarm ? "kvitter" : "utsett"
                #expect(html.contains("action=\"/varsler/\(id.uuidString)/\(action)\""), "alert \(alert.kind.rawValue) has its form")
                #expect(html.contains(FP.html(FP.reason(t, alert))), "the reason of \(alert.kind.rawValue) is shown: \(FP.reason(t, alert))")
                #expect(html.contains("<strong>\(FP.html(FP.nb(t, alert.kind.labelKey)))</strong>"))
                #expect(html.contains("href=\"\(AlertText.link(alert))\""))
            }
            #expect(html.components(separatedBy: "/utsett\"").count - 1 + html.components(separatedBy: "/kvitter\"").count - 1 == mine.count, "exactly the open alerts, each once")

            // A colleague's alerts (same office) and another office's are not there.
            for other in ["veileder2", "veileder3"] {
                let theirs = try await FP.openAlerts(t, other)
                #expect(!theirs.isEmpty, "\(other) has open alerts in the demo")
                for alert in theirs {
                    #expect(!html.contains(try alert.requireID().uuidString), "\(other)'s alert is on veileder1's page")
                }
                let theirNames = try await Candidate.query(on: t.db).filter(\.$id ~~ Set(theirs.map(\.$candidate.id))).all().map(\.fullName)
                for name in theirNames where !myNames.contains(name) {
                    #expect(!html.contains(FP.html(name)), "\(other)'s candidate \(name) is on veileder1's page")
                }
            }

            // The read is audited once per candidate listed, as veileder1, without personal data in the detail.
            let entries = try await FP.newEntries(t, .alertsRead, since: before)
            #expect(entries.count == candidateIDs.count)
            #expect(Set(entries.compactMap(\.objectID)) == Set(candidateIDs.map(\.uuidString)))
            #expect(entries.allSatisfy { $0.actorUsername == "veileder1" && $0.detail == "startsiden" && $0.objectType == AuditObjectType.candidate })

            // leder1 has no candidates of their own: the section, empty; no alert of anyone's.
            let leader = t.browser()
            try await leader.login("leder1")
            let leaderBefore = try await FP.auditIDs(t, .alertsRead)
            let leaderPage = try await leader.get("/")
            FP.expectRendered(leaderPage, "/ (leder1)")
            #expect(leaderPage.text.contains("Trenger oppfølging"))
            #expect(leaderPage.text.contains(FP.html(FP.nb(t, "alert.none_home"))))
            #expect(!leaderPage.text.contains("/varsler/"))
            for name in myNames { #expect(!leaderPage.text.contains(FP.html(name)), "\(name) on leder1's start page") }
            #expect(try await FP.newEntries(t, .alertsRead, since: leaderBefore).isEmpty, "nothing read, nothing audited")

            // admin has no office: no section at all.
            let admin = t.browser()
            try await admin.login("admin")
            let adminPage = try await admin.get("/")
            FP.expectRendered(adminPage, "/ (admin)")
            #expect(!adminPage.text.contains("trenger-oppfolging") && !adminPage.text.contains("/varsler/"))
            for name in myNames { #expect(!adminPage.text.contains(FP.html(name)), "\(name) on admin's start page") }
        }
    }

    // MARK: - 2. The pathway's follow-up page

    @Test("/forlop/{id}/oppfolging renders without template leftovers or raw keys; shows the alerts, contacts and meetings of the pathway; audited; another office gets 404")
    func followUpPage() async throws {
        try await withTestApp { t in
            let counselor = try await t.user("veileder1").requireID()
            // A demo pathway of veileder1's with alerts, contacts and meetings.
            let alerts = try await Alert.query(on: t.db).filter(\.$resolvedAt == nil).all()
            var chosen: (Pathway, [Alert], [Contact], [Meeting])?
            for pathway in try await Pathway.query(on: t.db).filter(\.$counselor.$id == counselor).filter(\.$status == .active).all() {
                let id = try pathway.requireID()
                let own = alerts.filter { $0.$pathway.id == id }
                let contacts = try await Contact.query(on: t.db).filter(\.$pathway.$id == id).all()
                let meetings = try await Meeting.query(on: t.db).filter(\.$pathway.$id == id).all()
                if !own.isEmpty, !contacts.isEmpty, !meetings.isEmpty, own.count > (chosen?.1.count ?? 0) { chosen = (pathway, own, contacts, meetings) }
            }
            let (pathway, own, contacts, meetings) = try #require(chosen, "a demo pathway with alerts, contacts and meetings")
            let id = try pathway.requireID()
            let candidate = try #require(try await Candidate.find(pathway.$candidate.id, on: t.db))

            // The raw-key check itself finds keys in text and titles, and not in ids, classes or hrefs.
            #expect(FP.rawKeys(#"<p>contact.field.when</p><mark title="plain_language.instead">x</mark><li class="alert-item" id="kontakt-note"><a href="/moter/x.ics">"#)
                == ["contact.field.when", "plain_language.instead"])

            let browser = t.browser()
            try await browser.login("veileder1")
            let before = try await FP.auditIDs(t, .pathwayRead)
            let page = try await browser.get("/forlop/\(id)/oppfolging")
            FP.expectRendered(page, "/forlop/\(id)/oppfolging")
            let html = page.text
            for leftover in ["contact.field", "meeting.field", "alert.kind", "contact_channel.", "contact_party.", "meeting_type.", "meeting_status."] {
                #expect(!html.contains(leftover), "raw key \(leftover) on the page")
            }
            #expect(html.contains("<h1>Oppfølging av \(FP.html(candidate.fullName))</h1>"))
            #expect(html.contains("<title>") && html.contains("Oppfølging – \(FP.html(candidate.firstName))"))
            // Alerts: kind, reason and snooze form back to this page.
            for alert in own {
                #expect(html.contains(FP.html(FP.reason(t, alert))), "reason of \(alert.kind.rawValue)")
                #expect(html.contains(FP.html(FP.nb(t, alert.kind.labelKey))))
                #expect(html.contains("action=\"/varsler/\(try alert.requireID().uuidString)/\(alert.kind == .mentorAlarm ? "kvitter" : "utsett")?tilbake=oppfolging\""))
            }
            // Contacts: who, how and the note.
            for contact in contacts.prefix(200) {
                #expect(html.contains("<strong>\(DisplayDate.date(contact.occurredAt))</strong> · \(FP.html(FP.nb(t, contact.withWhom.labelKey)))"))
                if let note = contact.note { #expect(html.contains(FP.html(note)), "note \(note.prefix(30))") }
            }
            let channelLabels = Set(contacts.map { FP.nb(t, $0.channel.labelKey) })
            for label in channelLabels { #expect(html.contains(" · \(FP.html(label))"), "channel \(label)") }
            // Meetings: each links to its page, with type and status.
            for meeting in meetings {
                let link = "<a href=\"/moter/\(try meeting.requireID().uuidString)\">\(FP.html(FP.nb(t, meeting.type.labelKey))) – \(DisplayDate.dateTime(meeting.startsAt))</a>"
                #expect(html.contains(link), "meeting \(meeting.type.rawValue) \(meeting.startsAt)")
            }
            #expect(html.contains("Går det mer enn 30 dager uten slik kontakt"))
            // The forms a counselor uses.
            for fieldID in ["kontakt-occurredAt", "kontakt-channel", "kontakt-withWhom", "kontakt-note", "kontakt-forCandidate", "mote-type", "mote-day", "mote-with_mentor"] {
                #expect(html.contains("id=\"\(fieldID)\""), "\(fieldID) on the page")
            }
            #expect(html.contains("value=\"\(FP.day(t, 0))\""), "the contact's day defaults to today")
            let read = try await FP.newEntries(t, .pathwayRead, since: before)
            #expect(read.contains { $0.objectID == candidate.id?.uuidString && $0.actorUsername == "veileder1" && ($0.detail ?? "").hasSuffix(": oppfølging") })

            // Another office: 404, and no page text.
            let outsider = t.browser()
            try await outsider.login("veileder3")
            let denied = try await outsider.get("/forlop/\(id)/oppfolging")
            #expect(denied.status == .notFound)
            #expect(!denied.text.contains(FP.html(candidate.lastName)))
            #expect(try await outsider.get("/forlop/\(UUID())/oppfolging").status == .notFound)
            // Nor can they write to it.
            try await outsider.get("/")
            let count = try await Contact.query(on: t.db).filter(\.$pathway.$id == id).count()
            let write = try await outsider.post("/forlop/\(id)/oppfolging/kontakter", [("occurredAt", FP.day(t, 0)), ("channel", "telefon"), ("withWhom", "mentor")])
            #expect(write.status == .notFound)
            #expect(try await Contact.query(on: t.db).filter(\.$pathway.$id == id).count() == count)
        }
    }

    // MARK: - 3. The contact form

    @Test("Contact form: a good post redirects (303) and stores the row; a mentor contact writes mentor_contact; missing withWhom or 'annen' without name re-renders 422 with the note kept and the field's error")
    func contactForm() async throws {
        try await withTestApp { t in
            let api = try await APIClient.make(t, "veileder1")
            let p = try await FP.start(t, api)
            let browser = t.browser()
            try await browser.login("veileder1")
            let path = "/forlop/\(p.pathway)/oppfolging"
            try await browser.get(path)

            let posted = try await browser.post("\(path)/kontakter", [
                ("occurredAt", FP.day(t, -1)), ("channel", "telefon"), ("withWhom", "mentor"), ("withName", ""), ("durationMinutes", "15"),
                ("note", "Mentor sier at oppstarten gikk fint."), ("nextStep", "Besøke arbeidsplassen neste uke"),
            ])
            #expect(posted.status == .seeOther)
            #expect(try FP.location(posted) == "\(path)?melding=kontakt-logget#kontakter")
            let contacts = try await Contact.query(on: t.db).filter(\.$pathway.$id == p.pathway).all()
            #expect(contacts.count == 1)
            let contact = try #require(contacts.first)
            #expect(contact.withWhom == .mentor && contact.channel == .phone && contact.durationMinutes == 15 && !contact.forCandidate)
            #expect(contact.occurredAt == FP.startOfDay(t, -1))
            #expect(contact.note == "Mentor sier at oppstarten gikk fint." && contact.nextStep == "Besøke arbeidsplassen neste uke" && contact.withName == nil)
            #expect(contact.$recordedBy.id == (try await t.user("veileder1").requireID()) && contact.recordedAt == t.clock.now())
            let eventID = try #require(contact.eventID, "a mentor contact writes an event")
            let event = try #require(try await PathwayEvent.find(eventID, on: t.db))
            #expect(event.type == .mentorContact && event.occurredAt == contact.occurredAt && event.$pathway.id == p.pathway)
            #expect(try await t.auditEntries(.contactRecorded).contains { $0.objectID == p.candidate.uuidString && $0.actorUsername == "veileder1" })

            let shown = try await FP.follow(browser, posted)
            FP.expectRendered(shown, path)
            #expect(shown.text.contains("Kontakten er lagret."))
            let item = try #require(FP.contactItem(shown.text, containing: "Mentor sier at oppstarten gikk fint."))
            #expect(item.contains("Mentoren") && item.contains("Telefon") && item.contains("15 min"))
            #expect(item.contains("Neste steg: Besøke arbeidsplassen neste uke") && item.contains("Registrert av Vera Veileder"))

            // With the candidate: no event.
            let candidateContact = try await browser.post("\(path)/kontakter", [("occurredAt", FP.day(t, 0)), ("channel", "nav_kontoret"), ("withWhom", "kandidat")])
            #expect(candidateContact.status == .seeOther)
            let second = try #require(try await Contact.query(on: t.db).filter(\.$pathway.$id == p.pathway).filter(\.$withWhom == .candidate).first())
            #expect(second.eventID == nil)

            // Missing "with whom": 422, the error by the field, the note kept, nothing stored.
            let note = "Ringte – «viktig» notat & <mer>"
            let missing = try await browser.post("\(path)/kontakter", [
                ("occurredAt", FP.day(t, 0)), ("channel", "telefon"), ("withWhom", ""), ("withName", ""), ("note", note),
            ])
            FP.expectRendered(missing, "missing withWhom", status: .unprocessableEntity)
            #expect(FP.error(missing.text, "kontakt-withWhom") == "Dette feltet må fylles ut.", "\(FP.problems(missing.text))")
            #expect(FP.field(missing.text, "kontakt-withWhom")?.contains("aria-invalid=\"true\"") == true)
            #expect(missing.text.contains(">\(FP.html(note))</textarea>"), "the note typed is kept")
            #expect(missing.text.contains("<option value=\"telefon\" selected>"), "the channel chosen is kept")
            #expect(missing.text.contains("href=\"#kontakt-withWhom\""), "the summary links to the field")
            #expect(FP.error(missing.text, "kontakt-channel") == nil)

            // "annen" without a name: the name field's error; the choice and the note kept.
            let noName = try await browser.post("\(path)/kontakter", [
                ("occurredAt", FP.day(t, 0)), ("channel", "melding"), ("withWhom", "annen"), ("withName", "  "), ("note", note),
            ])
            FP.expectRendered(noName, "annen without name", status: .unprocessableEntity)
            #expect(FP.error(noName.text, "kontakt-withName") == "Dette feltet må fylles ut.", "\(FP.problems(noName.text))")
            #expect(FP.error(noName.text, "kontakt-withWhom") == nil)
            #expect(noName.text.contains("<option value=\"annen\" selected>"))
            #expect(noName.text.contains(">\(FP.html(note))</textarea>"))

            // A day ahead: refused on its field.
            let future = try await browser.post("\(path)/kontakter", [("occurredAt", FP.day(t, 1)), ("channel", "telefon"), ("withWhom", "kandidat"), ("note", note)])
            #expect(future.status == .unprocessableEntity)
            #expect(FP.error(future.text, "kontakt-occurredAt") != nil)
            #expect(try await Contact.query(on: t.db).filter(\.$pathway.$id == p.pathway).count() == 2, "nothing stored from the refused posts")
            #expect(try await PathwayEvent.query(on: t.db).filter(\.$pathway.$id == p.pathway).filter(\.$type == .mentorContact).count() == 1)
        }
    }

    // MARK: - 4. Booking a meeting

    @Test("Booking through the page: redirects to /moter/{id}; participants (counselor added, mentor, two others) and the method model's agenda stored; the page says not held yet")
    func bookMeeting() async throws {
        try await withTestApp { t in
            let api = try await APIClient.make(t, "veileder1")
            let p = try await FP.start(t, api)
            let browser = t.browser()
            try await browser.login("veileder1")
            let day = FP.day(t, 3)

            // Without a day: 422 on the day field (the rule's "startsAt"), the rest kept; nothing booked.
            try await browser.get("/forlop/\(p.pathway)/oppfolging")
            let noDay = try await browser.post("/forlop/\(p.pathway)/oppfolging/moter", [
                ("type", "statusmote"), ("day", ""), ("time", "10:30"), ("with_mentor", "on"), ("others", "Ola, Kari"), ("place", "Rom 2"),
            ])
            FP.expectRendered(noDay, "meeting without a day", status: .unprocessableEntity)
            #expect(FP.error(noDay.text, "mote-day") == "Oppgi dato.", "\(FP.problems(noDay.text))")
            #expect(noDay.text.contains("id=\"mote-others\" name=\"others\" type=\"text\" value=\"Ola, Kari\""))
            #expect(noDay.text.contains("<option value=\"statusmote\" selected>"))
            #expect(noDay.text.contains("id=\"mote-with_mentor\" name=\"with_mentor\" checked"))
            #expect(try await Meeting.query(on: t.db).filter(\.$pathway.$id == p.pathway).count() == 0)

            let booked = try await FP.book(browser, p.pathway, day: day, time: "10:30", extra: [("with_mentor", "on"), ("others", " Ola ,Kari,, ")])
            #expect(booked.status == .seeOther, "\(FP.problems(booked.text))")
            let id = try FP.meetingID(booked)
            #expect(try FP.location(booked) == "/moter/\(id.uuidString)?melding=mote-opprettet")

            let meeting = try #require(try await Meeting.find(id, on: t.db))
            #expect(meeting.$pathway.id == p.pathway && meeting.$candidate.id == p.candidate && meeting.type == .status)
            #expect(meeting.startsAt == DisplayDate.parseDayTime(day, "10:30"))
            #expect(meeting.durationMinutes == 60 && meeting.place == "NAV-kontoret" && meeting.status == .planned && meeting.eventID == nil)
            #expect(meeting.participants == [
                MeetingParticipant(role: .counselor, name: nil), MeetingParticipant(role: .mentor, name: nil),
                MeetingParticipant(role: .other, name: "Ola"), MeetingParticipant(role: .other, name: "Kari"),
            ])
            let pathway = try #require(try await Pathway.find(p.pathway, on: t.db))
            let record = try #require(try await MethodModelRecord.find(pathway.$methodModel.id, on: t.db))
            let expectedAgenda = MeetingAgenda.prefill(type: .status, model: try t.app.samskap.methodModels.model(record), step: pathway.currentStep)
            #expect(meeting.agenda == expectedAgenda)
            let agenda = try #require(meeting.agenda)
            #expect(agenda.split(separator: "\n").allSatisfy { $0.hasPrefix("- ") } && agenda.lowercased().contains("neste møte"))
            #expect(try await Candidate.find(p.candidate, on: t.db)?.nextMeetingAt == meeting.startsAt)
            #expect(try await t.auditEntries(.meetingCreated).contains { $0.objectID == p.candidate.uuidString && $0.actorUsername == "veileder1" })

            let page = try await FP.follow(browser, booked)
            FP.expectRendered(page, "/moter/\(id)")
            let html = page.text
            #expect(html.contains("Møtet er satt opp."))
            #expect(html.contains("ikke registrert som holdt"))
            #expect(html.contains("<h1>Statusmøte – Ingrid Solbakken</h1>"))
            #expect(html.contains(">Planlagt</span>"))
            #expect(html.contains("<dd>Veileder, Mentor, Annen: Ola, Annen: Kari</dd>"))
            #expect(html.contains("\(DisplayDate.dateTime(meeting.startsAt)) (60 min)"))
            #expect(html.contains("<p class=\"prewrap\">\(FP.html(agenda))</p>"))
            #expect(html.contains("href=\"/moter/\(id.uuidString).ics\""))
            #expect(html.contains("id=\"referat-minutes\"") && html.contains("id=\"referat-next.type\""))

            // The follow-up page lists it as planned.
            let followUp = try await browser.get("/forlop/\(p.pathway)/oppfolging")
            #expect(followUp.text.contains("<a href=\"/moter/\(id.uuidString)\">Statusmøte – \(DisplayDate.dateTime(meeting.startsAt))</a>"))
        }
    }

    // MARK: - 5. Minutes

    @Test("Minutes: before the start 422 with the text kept; after, held with its event; no next meeting → melding=referat-skrevet-uten-neste and the prompt; next.* filled books the next one")
    func minutes() async throws {
        try await withTestApp { t in
            let api = try await APIClient.make(t, "veileder1")
            let p = try await FP.start(t, api)
            let browser = t.browser()
            try await browser.login("veileder1")
            let booked = try await FP.book(browser, p.pathway, day: FP.day(t, 1), time: "10:00", extra: [("with_kandidat", "on")])
            let id = try FP.meetingID(booked)
            let startsAt = try #require(try await Meeting.find(id, on: t.db)?.startsAt)

            // Before it began: refused on the minutes field, the text kept, nothing stored.
            try await browser.get("/moter/\(id)")
            let text = "Kandidaten trives – «bra» start & god dialog."
            let early = try await browser.post("/moter/\(id)/referat", [("minutes", text), ("next.type", ""), ("next.day", ""), ("next.time", "09:00")])
            FP.expectRendered(early, "early minutes", status: .unprocessableEntity)
            #expect(FP.error(early.text, "referat-minutes") == "Referatet kan skrives når møtet har begynt (\(DisplayDate.dateTime(startsAt))).", "\(FP.problems(early.text))")
            #expect(early.text.contains(">\(FP.html(text))</textarea>"))
            let untouched = try #require(try await Meeting.find(id, on: t.db))
            #expect(untouched.minutes == nil && untouched.minutesAt == nil && untouched.eventID == nil)

            // Two days on (signed in again: the session has idled out).
            t.clock.advance(by: 2 * FP.day1)
            try await browser.login("veileder1")
            try await browser.get("/moter/\(id)")
            let written = try await browser.post("/moter/\(id)/referat", [("minutes", text), ("next.type", ""), ("next.day", ""), ("next.time", "09:00")])
            #expect(written.status == .seeOther, "\(FP.problems(written.text))")
            #expect(try FP.location(written) == "/moter/\(id.uuidString)?melding=referat-skrevet-uten-neste")
            let held = try #require(try await Meeting.find(id, on: t.db))
            #expect(held.status == .held && held.minutes == text && held.minutesAt == t.clock.now() && !held.minutesForCandidate)
            #expect(held.$minutesBy.id == (try await t.user("veileder1").requireID()))
            let eventID = try #require(held.eventID)
            let event = try #require(try await PathwayEvent.find(eventID, on: t.db))
            #expect(event.type == .statusMeeting && event.occurredAt == startsAt)
            #expect(try await t.auditEntries(.meetingMinutesWritten).contains { $0.objectID == p.candidate.uuidString })
            #expect(try await Meeting.query(on: t.db).filter(\.$pathway.$id == p.pathway).count() == 1, "nothing else booked")

            let page = try await FP.follow(browser, written)
            FP.expectRendered(page, "/moter/\(id) held")
            #expect(page.text.contains("Referatet er lagret. Husk å sette opp neste møte."))
            #expect(page.text.contains(FP.html(FP.nb(t, "meeting.ask_next"))))
            #expect(page.text.contains("<a href=\"/forlop/\(p.pathway.uuidString)/oppfolging#moter\">Sett opp neste møte</a>"))
            #expect(page.text.contains(">Holdt</span>") && !page.text.contains("ikke registrert som holdt"))
            #expect(page.text.contains("<p class=\"prewrap\">\(FP.html(text))</p>"))

            // A second meeting, earlier today, written up with the next one booked in the same step.
            let second = try await FP.book(browser, p.pathway, type: "trepartsmote", day: FP.day(t, 0), time: "08:00", extra: [("with_mentor", "on")])
            let secondID = try FP.meetingID(second)
            try await browser.get("/moter/\(secondID)")
            let nextDay = FP.day(t, 14)
            let withNext = try await browser.post("/moter/\(secondID)/referat", [
                ("minutes", "Trepartsmøte holdt. Mentoren følger opp opplæringen."), ("next.type", "evalueringsmote"), ("next.day", nextDay), ("next.time", "09:30"),
            ])
            #expect(withNext.status == .seeOther, "\(FP.problems(withNext.text))")
            #expect(try FP.location(withNext) == "/moter/\(secondID.uuidString)?melding=referat-skrevet")
            let planned = try await Meeting.query(on: t.db).filter(\.$pathway.$id == p.pathway).filter(\.$minutesAt == nil).filter(\.$cancelledAt == nil).all()
            #expect(planned.count == 1)
            let next = try #require(planned.first)
            #expect(next.type == .evaluation && next.startsAt == DisplayDate.parseDayTime(nextDay, "09:30") && next.durationMinutes == 60)
            #expect(next.participants.contains(MeetingParticipant(role: .counselor, name: nil)))
            #expect(next.agenda?.lowercased().contains("neste møte") == true)
            #expect(try await Meeting.find(secondID, on: t.db)?.eventID != nil, "a trepartsmøte with the mentor writes mentor_contact")
            let secondPage = try await FP.follow(browser, withNext)
            #expect(secondPage.text.contains("Referatet er lagret, og møtet er registrert som holdt."))
            #expect(!secondPage.text.contains("Sett opp neste møte</a>"), "the next meeting is booked: no prompt")

            // A next meeting in the past: refused on its field, the minutes not written.
            let third = try await FP.book(browser, p.pathway, day: FP.day(t, 0), time: "07:00")
            let thirdID = try FP.meetingID(third)
            try await browser.get("/moter/\(thirdID)")
            let pastNext = try await browser.post("/moter/\(thirdID)/referat", [
                ("minutes", "Holdt."), ("next.type", "statusmote"), ("next.day", FP.day(t, -1)), ("next.time", "09:00"),
            ])
            #expect(pastNext.status == .unprocessableEntity)
            #expect(pastNext.text.contains(">Holdt.</textarea>"))
            #expect(FP.problems(pastNext.text).contains("Neste møte må være fram i tid."), "\(FP.problems(pastNext.text))")
            #expect(try await Meeting.find(thirdID, on: t.db)?.minutesAt == nil)
        }
    }

    // MARK: - 6. The meeting's calendar file

    @Test("/moter/{id}.ics signed in returns text/calendar with the first name only; audited; signed out it does not")
    func meetingICS() async throws {
        try await withTestApp { t in
            let api = try await APIClient.make(t, "veileder1")
            let p = try await FP.start(t, api, first: "Ingrid", last: "Solbakken")
            let browser = t.browser()
            try await browser.login("veileder1")
            let booked = try await FP.book(browser, p.pathway, day: FP.day(t, 2), time: "09:15", extra: [("with_mentor", "on")])
            let id = try FP.meetingID(booked)
            let meeting = try #require(try await Meeting.find(id, on: t.db))

            let response = try await browser.get("/moter/\(id).ics")
            #expect(response.status == .ok, "\(response.text.prefix(300))")
            #expect(response.headers.contentType?.type == "text" && response.headers.contentType?.subType == "calendar")
            #expect(response.headers.first(name: .contentDisposition) == "attachment; filename=\"mote-\(FP.day(t, 2)).ics\"")
            #expect(response.headers.first(name: .cacheControl)?.contains("no-store") == true)
            let text = response.text
            #expect(text.hasPrefix("BEGIN:VCALENDAR\r\n") && text.hasSuffix("END:VCALENDAR\r\n"))
            #expect(text.contains("\r\nSUMMARY:Statusmøte – Ingrid\r\n"))
            #expect(text.contains("\r\nUID:\(id.uuidString.lowercased())@samskap\r\n"))
            #expect(text.contains("\r\nDTSTART:\(ICalendar.utc(meeting.startsAt))\r\n"))
            #expect(text.contains("\r\nLOCATION:NAV-kontoret\r\n"))
            let unfolded = text.replacingOccurrences(of: "\r\n ", with: "")
            #expect(!unfolded.contains("Solbakken") && !unfolded.contains(p.fnr), "first name only")
            #expect(try await t.auditEntries(.meetingRead).contains { $0.objectID == p.candidate.uuidString && ($0.detail ?? "").contains("kalenderfil") })

            // Signed out: sent to the login page, no calendar.
            let anonymous = t.browser()
            let signedOut = try await anonymous.get("/moter/\(id).ics")
            #expect(signedOut.status == .seeOther && signedOut.headers.first(name: .location)?.hasPrefix("/logg-inn") == true)
            #expect(!signedOut.text.contains("VCALENDAR"))
            // Another office: 404.
            let outsider = t.browser()
            try await outsider.login("veileder3")
            #expect(try await outsider.get("/moter/\(id).ics").status == .notFound)
            #expect(try await outsider.get("/moter/\(id)").status == .notFound)
        }
    }

    // MARK: - 7. Snoozing from the start page

    @Test("Snoozing on the start page: no reason or a past day re-renders it 422 with the error; a good one redirects, stores who, why and until, and hides it (the snoozed count is shown)")
    func snoozeFromStartPage() async throws {
        try await withTestApp { t in
            let api = try await APIClient.make(t, "veileder1")
            let p = try await FP.start(t, api, first: "Bjørn", last: "Fjellstad")
            try await FP.event(t, api, p.pathway, "placement_start", daysAgo: 40, employer: "Lagerhuset AS")
            let alert = try #require(try await Alert.query(on: t.db).filter(\.$pathway.$id == p.pathway).filter(\.$kind == .noWorkplaceContact)
                .filter(\.$resolvedAt == nil).first())
            let alertID = try alert.requireID()
            let form = "utsett-\(alertID.uuidString)"
            let action = "/varsler/\(alertID.uuidString)/utsett"
            let openBefore = try await FP.openAlerts(t, "veileder1").count

            let browser = t.browser()
            try await browser.login("veileder1")
            let home = try await browser.get("/")
            #expect(home.text.contains("action=\"\(action)\""))
            #expect(home.text.contains("<h3>Bjørn Fjellstad</h3>"))

            // No reason: the start page again, 422, the error by the reason, the day kept.
            let week = FP.day(t, 7)
            let noReason = try await browser.post(action, [("until", week), ("reason", "  ")])
            FP.expectRendered(noReason, "snooze without reason", status: .unprocessableEntity)
            #expect(noReason.text.contains("Trenger oppfølging"))
            #expect(FP.error(noReason.text, "\(form)-reason") == "Dette feltet må fylles ut.", "\(FP.problems(noReason.text))")
            #expect(noReason.text.contains("id=\"\(form)-until\" name=\"until\" type=\"date\" value=\"\(week)\""))
            // A past day: the error by the day, the reason kept.
            let reason = "Mentoren har ferie – «ringer» når hun er tilbake"
            let past = try await browser.post(action, [("until", FP.day(t, -1)), ("reason", reason)])
            FP.expectRendered(past, "snooze to a past day", status: .unprocessableEntity)
            #expect(FP.error(past.text, "\(form)-until") == "Velg en dato fra i morgen.", "\(FP.problems(past.text))")
            #expect(past.text.contains(">\(FP.html(reason))</textarea>"))
            let failedForm = try #require(past.text.range(of: "action=\"\(action)\""))
            #expect(!past.text[..<failedForm.lowerBound].suffix(160).contains("<summary>"), "the failed form is shown open, not folded")
            let unchanged = try #require(try await Alert.find(alertID, on: t.db))
            #expect(unchanged.snoozedUntil == nil && unchanged.snoozeReason == nil && unchanged.snoozedBy == nil)

            // A good one.
            let snoozed = try await browser.post(action, [("until", week), ("reason", reason)])
            #expect(snoozed.status == .seeOther, "\(FP.problems(snoozed.text))")
            #expect(try FP.location(snoozed) == "/?melding=varsel-utsatt")
            let row = try #require(try await Alert.find(alertID, on: t.db))
            #expect(row.snoozedUntil == FP.startOfDay(t, 7) && row.snoozeReason == reason && row.snoozedAt == t.clock.now() && row.resolvedAt == nil)
            #expect(row.$snoozedBy.id == (try await t.user("veileder1").requireID()))
            #expect(try await t.auditEntries(.alertSnoozed).contains { $0.objectID == p.candidate.uuidString && $0.actorUsername == "veileder1" })

            let after = try await FP.follow(browser, snoozed)
            FP.expectRendered(after, "/ after snoozing")
            #expect(after.text.contains("Varselet er utsatt."))
            #expect(!after.text.contains(action), "the snoozed alert is not listed")
            #expect(after.text.contains("<span class=\"tag warn\">\(openBefore - 1)</span>") || openBefore == 1)
            let user = try await t.user("veileder1")
            let snoozedCount = try await AlertStore.current(for: try user.requireID(), officeID: try #require(user.$office.id), includeSnoozed: true, on: t.db, now: t.clock.now())
                .filter { $0.isSnoozed(now: t.clock.now()) }.count
            #expect(snoozedCount >= 1)
            #expect(after.text.contains("\(snoozedCount) varsler er utsatt og vises igjen på datoen som ble valgt."))

            // From the follow-up page it is shown as snoozed, with the day.
            let followUp = try await browser.get("/forlop/\(p.pathway)/oppfolging")
            #expect(followUp.text.contains("utsatt til \(DisplayDate.date(FP.startOfDay(t, 7)))"))

            // Snoozed again from there: 90 days from today is the limit; a problem re-renders the follow-up page.
            let back = "\(action)?tilbake=oppfolging"
            #expect(followUp.text.contains("action=\"\(back)\""))
            let tooLong = try await browser.post(back, [("until", FP.day(t, 91)), ("reason", "Lang ferie")])
            FP.expectRendered(tooLong, "snooze 91 days", status: .unprocessableEntity)
            #expect(tooLong.text.contains("<h1>Oppfølging av Bjørn Fjellstad</h1>"), "the follow-up page, not the start page")
            #expect(FP.error(tooLong.text, "\(form)-until") == "Et varsel kan utsettes i høyst 90 dager.", "\(FP.problems(tooLong.text))")
            #expect(tooLong.text.contains(">Lang ferie</textarea>"))
            #expect(try await Alert.find(alertID, on: t.db)?.snoozedUntil == FP.startOfDay(t, 7))
            let longest = try await browser.post(back, [("until", FP.day(t, 90)), ("reason", "Lang ferie")])
            #expect(longest.status == .seeOther, "\(FP.problems(longest.text))")
            #expect(try FP.location(longest) == "/forlop/\(p.pathway.uuidString)/oppfolging?melding=varsel-utsatt")
            let again = try #require(try await Alert.find(alertID, on: t.db))
            #expect(again.snoozedUntil == FP.startOfDay(t, 90) && again.snoozeReason == "Lang ferie")
            let shownAgain = try await FP.follow(browser, longest)
            #expect(shownAgain.text.contains("Varselet er utsatt.") && shownAgain.text.contains("utsatt til \(DisplayDate.date(FP.startOfDay(t, 90)))"))

            // The day comes and the data still says so: back on the start page.
            t.clock.advance(by: 90 * FP.day1)
            try await browser.login("veileder1")
            #expect(try await browser.get("/").text.contains("action=\"\(action)\""))
        }
    }

    // MARK: - 8. The calendar feed on /meg

    @Test("/meg: making a calendar address shows it once; it works without login; revoking makes it 404; both audited")
    func calendarFeed() async throws {
        try await withTestApp { t in
            let userID = try await t.user("veileder1").requireID()
            let browser = t.browser()
            try await browser.login("veileder1")
            let before = try await browser.get("/meg")
            FP.expectRendered(before, "/meg")
            #expect(before.text.contains("Du har ingen kalenderadresse."))

            let created = try await browser.post("/meg/kalender")
            FP.expectRendered(created, "POST /meg/kalender")
            let regex = try Regex(#"id="calendar-url" type="text" readonly value="([^"]+)""#)
            let url = try #require(created.text.firstMatch(of: regex)?.output[1].substring.map(String.init), "the address is shown")
            #expect(url.contains("/api/v1/calendar/") && url.hasSuffix(".ics"), "\(url)")
            let path = String(url[try #require(url.range(of: "/api/v1/calendar/")).lowerBound...])
            let token = String(path.dropFirst("/api/v1/calendar/".count).dropLast(4))
            #expect(token.count >= 20)
            #expect(created.text.components(separatedBy: token).count - 1 == 1, "shown once on the page")
            #expect(created.text.contains("Adressen vises bare nå."))
            let feed = try #require(try await CalendarFeed.query(on: t.db).filter(\.$user.$id == userID).filter(\.$revokedAt == nil).first())
            #expect(feed.tokenHash == SecretToken.digest(token) && feed.tokenHash != token)
            let createdAudit = try #require(try await t.auditEntries(.calendarFeedCreated).first)
            #expect(createdAudit.objectID == userID.uuidString && createdAudit.actorUsername == "veileder1")
            #expect(!(createdAudit.detail ?? "").contains(token))

            // Shown once: the page afterwards says there is one, without the address.
            let again = try await browser.get("/meg")
            #expect(!again.text.contains(token))
            #expect(again.text.contains("Du har en kalenderadresse, laget"))

            // Works without a login.
            let anonymous = t.browser()
            let ics = try await anonymous.get(path)
            #expect(ics.status == .ok, "\(ics.text.prefix(200))")
            #expect(ics.headers.contentType?.type == "text" && ics.headers.contentType?.subType == "calendar")
            #expect(ics.text.hasPrefix("BEGIN:VCALENDAR\r\n"))
            // veileder1's planned demo meetings are in it, by first name, without the place (free text).
            let upcoming = try await Meeting.query(on: t.db).join(Candidate.self, on: \Meeting.$candidate.$id == \Candidate.$id)
                .filter(Candidate.self, \.$counselor.$id == userID).filter(\.$minutesAt == nil)
                .filter(\.$startsAt >= RuleDuration.calendar.startOfDay(for: t.clock.now())).all()
            #expect(!upcoming.isEmpty, "the demo has planned meetings for veileder1")
            for meeting in upcoming {
                #expect(ics.text.contains("UID:\(try meeting.requireID().uuidString.lowercased())@samskap"))
            }
            #expect(!ics.text.contains("LOCATION:"), "the feed never holds the place")
            let fed = try await t.auditEntries(.meetingRead).filter { $0.detail == "kalenderstrøm" }
            #expect(Set(fed.compactMap(\.objectID)) == Set(upcoming.map(\.$candidate.id.uuidString)), "a read for each candidate whose meetings went out")

            // Revoked: 404 from then on.
            let revoked = try await browser.post("/meg/kalender/trekk-tilbake")
            #expect(revoked.status == .seeOther)
            #expect(try FP.location(revoked) == "/meg?melding=kalender-trukket#kalender")
            let page = try await FP.follow(browser, revoked)
            #expect(page.text.contains("Kalenderadressen er slettet og virker ikke lenger."))
            #expect(page.text.contains("Du har ingen kalenderadresse."))
            #expect(try await anonymous.get(path).status == .notFound)
            #expect(try await CalendarFeed.find(feed.id, on: t.db)?.revokedAt == t.clock.now())
            let revokedAudit = try #require(try await t.auditEntries(.calendarFeedRevoked).first)
            #expect(revokedAudit.objectID == userID.uuidString && revokedAudit.actorUsername == "veileder1")
        }
    }

    // MARK: - 9. The leader's settings

    @Test("/kontor/oppfolging: a counselor is refused (403); the leader sees the default list; days 5 or 91 → 422, 14 → saved and alerts refreshed; adding a word makes the list the office's own, removing deletes it; audited")
    func leaderSettings() async throws {
        try await withTestApp { t in
            let office = try await t.office("9901")
            let officeID = try office.requireID()
            #expect(office.noContactAlertDays == 30 && !office.plainLanguageCustom)

            // A counselor: refused by the access layer, recorded.
            let counselor = t.browser()
            try await counselor.login("veileder1")
            let refused = try await counselor.get("/kontor/oppfolging")
            #expect(refused.status == .forbidden, "a counselor gets \(refused.status.code)")
            #expect(try await t.auditEntries(.accessDenied).contains { $0.objectID == "GET /kontor/oppfolging" && $0.actorUsername == "veileder1" && $0.outcome == "denied" })
            try await counselor.get("/")
            #expect(try await counselor.post("/kontor/oppfolging/dager", [("days", "7")]).status == .forbidden)
            #expect(try await t.office("9901").noContactAlertDays == 30)

            // A placement 40 days ago, the mentor last contacted 20 days ago: no alert at 30 days.
            let api = try await APIClient.make(t, "veileder1")
            let p = try await FP.start(t, api)
            try await FP.event(t, api, p.pathway, "placement_start", daysAgo: 40, employer: "Lagerhuset AS")
            let contact = try await api.post("/api/v1/pathways/\(p.pathway)/contacts", ["occurredAt": PathwayFlowTests.day(t, 20), "channel": "telefon", "withWhom": "mentor"])
            #expect(contact.status == .created)
            func open() async throws -> [Alert] {
                try await Alert.query(on: t.db).filter(\.$pathway.$id == p.pathway).filter(\.$kind == .noWorkplaceContact).filter(\.$resolvedAt == nil).all()
            }
            #expect(try await open().isEmpty)

            let leader = t.browser()
            try await leader.login("leder1")
            let page = try await leader.get("/kontor/oppfolging")
            FP.expectRendered(page, "/kontor/oppfolging")
            #expect(page.text.contains("Oppfølging og klarspråk – \(FP.html(office.name))"))
            #expect(page.text.contains("Kontoret bruker standardlisten."))
            for entry in PlainLanguage.defaults {
                #expect(page.text.contains("<tr><td>\(FP.html(entry.term))</td><td>\(FP.html(entry.suggestion))</td><td></td></tr>"), "\(entry.term) in the default list")
            }
            #expect(!page.text.contains("/fjern\""), "the default list has no remove buttons")
            #expect(page.text.contains("id=\"dager-days\" name=\"days\" type=\"number\" value=\"30\""))

            // Out of range: 422 by the field, the number kept, nothing saved.
            let updatedBefore = try await FP.auditIDs(t, .officeUpdated)
            for bad in ["5", "91", "tretti", ""] {
                let response = try await leader.post("/kontor/oppfolging/dager", [("days", bad)])
                FP.expectRendered(response, "days \(bad)", status: .unprocessableEntity)
                #expect(FP.error(response.text, "dager-days") == "Skriv et helt antall dager mellom 7 og 90.", "\(bad): \(FP.problems(response.text))")
                #expect(response.text.contains("id=\"dager-days\" name=\"days\" type=\"number\" value=\"\(bad)\""))
            }
            #expect(try await t.office("9901").noContactAlertDays == 30)
            #expect(try await FP.newEntries(t, .officeUpdated, since: updatedBefore).isEmpty)

            // 14: saved, and the pathway's alert opens at once.
            let saved = try await leader.post("/kontor/oppfolging/dager", [("days", "14")])
            #expect(saved.status == .seeOther, "\(FP.problems(saved.text))")
            #expect(try FP.location(saved) == "/kontor/oppfolging?melding=oppfolging-lagret")
            #expect(try await t.office("9901").noContactAlertDays == 14)
            let opened = try await open()
            #expect(opened.count == 1)
            let contactDay = try #require(DisplayDate.parseDay(PathwayFlowTests.day(t, 20)))
            #expect(opened.first?.since == RuleDuration(14, .day).deadline(after: contactDay))
            #expect(opened.first?.reasonArgs == [DisplayDate.date(contactDay), "14", "contact"])
            #expect(opened.first?.openedAt == t.clock.now())
            let updated = try await FP.newEntries(t, .officeUpdated, since: updatedBefore)
            #expect(updated.count == 1 && updated.first?.objectID == officeID.uuidString && updated.first?.detail == "dager uten kontakt før varsel: 14")
            #expect(updated.first?.actorUsername == "leder1")
            let savedPage = try await FP.follow(leader, saved)
            #expect(savedPage.text.contains("Innstillingen er lagret, og varslene er oppdatert."))
            #expect(savedPage.text.contains("value=\"14\""))
            // The counselor's follow-up page tells the new limit.
            #expect(try await counselor.get("/forlop/\(p.pathway)/oppfolging").text.contains("Går det mer enn 14 dager uten slik kontakt"))

            // Adding a word: the defaults are copied in, plus the new one.
            let languageBefore = try await FP.auditIDs(t, .plainLanguageUpdated)
            let emptyWord = try await leader.post("/kontor/oppfolging/ord", [("term", " "), ("suggestion", "trekk i pengene")])
            #expect(emptyWord.status == .unprocessableEntity)
            #expect(FP.error(emptyWord.text, "ord-term") == "Dette feltet må fylles ut.")
            #expect(emptyWord.text.contains("value=\"trekk i pengene\""))
            #expect(try await t.office("9901").plainLanguageCustom == false, "a refused word does not make the list the office's own")

            let added = try await leader.post("/kontor/oppfolging/ord", [("term", "sanksjon"), ("suggestion", "trekk i pengene")])
            #expect(added.status == .seeOther, "\(FP.problems(added.text))")
            #expect(try FP.location(added) == "/kontor/oppfolging?melding=klarsprak-lagret#ordliste")
            #expect(try await t.office("9901").plainLanguageCustom == true)
            var rows = try await PlainLanguageTerm.query(on: t.db).filter(\.$office.$id == officeID).all()
            #expect(Set(rows.map(\.term)) == Set(PlainLanguage.defaults.map(\.term) + ["sanksjon"]))
            #expect(rows.count == PlainLanguage.defaults.count + 1)
            #expect(rows.first { $0.term == "sanksjon" }?.suggestion == "trekk i pengene")
            #expect(rows.first { $0.term == "AAP" }?.suggestion == PlainLanguage.defaults.first { $0.term == "AAP" }?.suggestion)
            let leaderID = try await t.user("leder1").requireID()
            #expect(rows.allSatisfy { $0.$createdBy.id == leaderID })
            let custom = try await FP.follow(leader, added)
            #expect(custom.text.contains("Ordlisten er lagret."))
            #expect(!custom.text.contains("Kontoret bruker standardlisten."))
            #expect(custom.text.contains("<tr><td>sanksjon</td><td>trekk i pengene</td>"))
            #expect(custom.text.components(separatedBy: "/fjern\"").count - 1 == rows.count, "each word has a remove button")
            // Another office keeps the defaults.
            #expect(try await t.office("9902").plainLanguageCustom == false)

            // The office's own list is what the pages mark: the new word too.
            let pathwayPage = "/forlop/\(p.pathway)/oppfolging"
            try await counselor.get(pathwayPage)
            let note = try await counselor.post("\(pathwayPage)/kontakter", [
                ("occurredAt", FP.day(t, 0)), ("channel", "telefon"), ("withWhom", "kandidat"), ("note", "En sanksjon etter vedtaket"), ("forCandidate", "on"),
            ])
            #expect(note.status == .seeOther)
            let marked = try await counselor.get(pathwayPage)
            #expect(marked.text.contains("En <mark title=\"Skriv heller: trekk i pengene\">sanksjon</mark> etter <mark title=\"Skriv heller: avgjørelse\">vedtaket</mark>"))

            // Removing one deletes the row.
            let vedtak = try #require(rows.first { $0.term == "vedtak" })
            let removed = try await leader.post("/kontor/oppfolging/ord/\(try vedtak.requireID())/fjern")
            #expect(removed.status == .seeOther)
            rows = try await PlainLanguageTerm.query(on: t.db).filter(\.$office.$id == officeID).all()
            #expect(!rows.contains { $0.term == "vedtak" } && rows.count == PlainLanguage.defaults.count)
            let afterRemove = try await FP.follow(leader, removed)
            #expect(!afterRemove.text.contains("<tr><td>vedtak</td>"))
            #expect(try await counselor.get(pathwayPage).text.contains("En <mark title=\"Skriv heller: trekk i pengene\">sanksjon</mark> etter vedtaket"),
                    "a removed word is no longer marked")
            // Another office's leader cannot remove this office's words.
            let otherLeader = t.browser()
            try await otherLeader.login("leder2")
            try await otherLeader.get("/kontor/oppfolging")
            let sanksjon = try #require(rows.first { $0.term == "sanksjon" })
            #expect(try await otherLeader.post("/kontor/oppfolging/ord/\(try sanksjon.requireID())/fjern").status == .notFound)
            #expect(try await PlainLanguageTerm.find(sanksjon.id, on: t.db) != nil)

            let language = try await FP.newEntries(t, .plainLanguageUpdated, since: languageBefore)
            #expect(Set(language.compactMap(\.detail)) == ["ord lagt til: sanksjon", "ord fjernet: vedtak"])
            #expect(language.allSatisfy { $0.objectID == officeID.uuidString && $0.actorUsername == "leder1" })
        }
    }

    // MARK: - 10. Plain language on the pages

    @Test("Plain language: a note for the candidate marks «Brukeren» and «ytelse» with suggestions, a note not for the candidate has no <mark>; hostile text is escaped; minutes for the candidate are marked too")
    func plainLanguageOnPages() async throws {
        try await withTestApp { t in
            let api = try await APIClient.make(t, "veileder1")
            let p = try await FP.start(t, api)
            let browser = t.browser()
            try await browser.login("veileder1")
            let path = "/forlop/\(p.pathway)/oppfolging"
            try await browser.get(path)
            func post(_ note: String, forCandidate: Bool) async throws {
                var fields = [("occurredAt", FP.day(t, 0)), ("channel", "telefon"), ("withWhom", "kandidat"), ("note", note)]
                if forCandidate { fields.append(("forCandidate", "on")) }
                let response = try await browser.post("\(path)/kontakter", fields)
                #expect(response.status == .seeOther, "\(FP.problems(response.text))")
            }
            try await post("Brukeren får ytelse fra NAV i mai.", forCandidate: true)
            try await post("Bruker har fått vedtak om AAP, notat til saken.", forCandidate: false)
            let hostile = "<script>alert('x')</script> Brukeren & <b>fet</b>"
            try await post(hostile, forCandidate: true)
            #expect(try await Contact.query(on: t.db).filter(\.$pathway.$id == p.pathway).filter(\.$note == hostile).first()?.forCandidate == true, "stored as written")

            let page = try await browser.get(path)
            FP.expectRendered(page, path)
            let html = page.text
            let forCandidate = try #require(FP.contactItem(html, containing: "fra NAV i mai."))
            #expect(forCandidate.contains("<mark title=\"Skriv heller: du / kandidaten\">Brukeren</mark> får <mark title=\"Skriv heller: pengene du får fra NAV\">ytelse</mark> fra NAV i mai."))
            #expect(forCandidate.contains("Klarspråk: noen ord kan være vanskelige for kandidaten"))
            #expect(forCandidate.contains("<li>«bruker» – skriv heller: du / kandidaten</li>"))
            #expect(forCandidate.contains("<li>«ytelse» – skriv heller: pengene du får fra NAV</li>"))
            #expect(forCandidate.contains("til kandidaten</span>"))

            let internalNote = try #require(FP.contactItem(html, containing: "notat til saken."))
            #expect(!internalNote.contains("<mark"), "a note not for the candidate is not checked")
            #expect(!internalNote.contains("Klarspråk"))
            #expect(internalNote.contains("Bruker har fått vedtak om AAP, notat til saken."))

            let escaped = try #require(FP.contactItem(html, containing: "&lt;b&gt;fet"))
            #expect(escaped.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; <mark title=\"Skriv heller: du / kandidaten\">Brukeren</mark> &amp; &lt;b&gt;fet&lt;/b&gt;"))
            #expect(!html.contains("<script>alert"), "never raw in the page")
            #expect(!html.contains("<b>fet</b>"))

            // Minutes written for the candidate: marked on the meeting page.
            let booked = try await FP.book(browser, p.pathway, type: "karriereveiledning", day: FP.day(t, -1), time: "10:00", extra: [("with_kandidat", "on")])
            let id = try FP.meetingID(booked)
            try await browser.get("/moter/\(id)")
            let written = try await browser.post("/moter/\(id)/referat", [
                ("minutes", "Vi snakket om tiltaket og vedtaket. <i>Neste</i> gang: CV."), ("forCandidate", "on"), ("next.type", ""), ("next.day", ""),
            ])
            let meetingPage = try await FP.follow(browser, written)
            FP.expectRendered(meetingPage, "/moter/\(id)")
            #expect(meetingPage.text.contains("Vi snakket om <mark title=\"Skriv heller: tilbud, for eksempel arbeidstrening\">tiltaket</mark> og <mark title=\"Skriv heller: avgjørelse\">vedtaket</mark>. &lt;i&gt;Neste&lt;/i&gt; gang: CV."))
            #expect(meetingPage.text.contains("<li>«tiltak» – skriv heller: tilbud, for eksempel arbeidstrening</li>"))
            #expect(meetingPage.text.contains("skrevet til kandidaten"))
            #expect(try await Meeting.find(id, on: t.db)?.minutesForCandidate == true)
        }
    }
}
