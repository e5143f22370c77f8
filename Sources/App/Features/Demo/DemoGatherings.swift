import Fluent
import Foundation

/// Demo gatherings for the demo offices' mentors: one mentor gathering six weeks ago with
/// attendance and a summary, and one network meeting three weeks ahead to which every mentor of
/// the office is invited, some of them having answered. Needs the mentors (`DemoEmployers`).
/// Deterministic for a given clock; an office that already has gatherings is left alone.
struct DemoGatherings: DemoModule {
    var name: String { "samlinger" }

    static let pastTheme = "Opplæringsplan og de første ukene på jobb"
    static let pastPlace = "NAV-kontoret, møterom Fjorden"
    static let upcomingTheme = "Når det butter: krevende samtaler med kandidaten"
    static let upcomingPlace = "Kantina hos en av arbeidsgiverne – adresse kommer i invitasjonen"
    static let summary = """
        Seks mentorer var invitert, fire kom. Vi gikk gjennom hvordan en enkel opplæringsplan kan se ut, \
        og mentorene delte erfaringer fra de første ukene. Flere ønsket mer tid til opplæring og raskere svar fra NAV \
        når noe skjer. Kontoret følger opp med et telefonnummer mentorene kan ringe direkte, \
        og neste samling handler om krevende samtaler.
        """

    func seed(_ context: DemoSeeder.Context) async throws {
        let app = context.app
        let db = context.db
        let now = app.samskap.clock.now()
        let calendar = RuleDuration.calendar
        let today = calendar.startOfDay(for: now)
        func at(days: Int, hour: Int) -> Date {
            let day = calendar.date(byAdding: .day, value: days, to: today) ?? today
            return calendar.date(bySettingHour: hour, minute: 0, second: 0, of: day) ?? day
        }
        for enhet in ["9901", "9902"] {
            guard let office = try await Office.query(on: db).filter(\.$enhetNumber == enhet).first() else { continue }
            let officeID = try office.requireID()
            guard try await Gathering.query(on: db).filter(\.$office.$id == officeID).count() == 0 else { continue }
            let staff = try await User.query(on: db).filter(\.$office.$id == officeID).filter(\.$isDemo == true).with(\.$roleRows).sort(\.$username).all()
            guard let actor = staff.first(where: { $0.roles.contains(.veileder) }) ?? staff.first(where: { $0.roles.contains(.leder) }) else { continue }
            let actorID = try actor.requireID()
            // By employer, then name: the same order on every run (ids are random).
            let mentors = try await Mentor.query(on: db).filter(\.$office.$id == officeID).with(\.$employer).all()
                .sorted { ($0.employer.name, $0.name) < ($1.employer.name, $1.name) }
            guard !mentors.isEmpty else { continue }
            let mentorIDs = try mentors.map { try $0.requireID() }
            let pastStart = at(days: -42, hour: 13)
            let upcomingStart = at(days: 21, hour: 13)

            try await app.write(context: AuditContext(actorUserID: actorID, actorUsername: actor.username, requestID: nil)) { db, audit in
                func gathering(_ kind: GatheringKind, _ start: Date, place: String, theme: String, createdDaysBefore: Int) async throws -> Gathering {
                    let row = Gathering()
                    row.$office.id = officeID
                    row.kind = kind
                    row.startsAt = start
                    row.place = place
                    row.theme = theme
                    row.createdAt = calendar.date(byAdding: .day, value: -createdDaysBefore, to: start) ?? start
                    row.$createdBy.id = actorID
                    try await row.create(on: db)
                    return row
                }
                func invite(_ gathering: Gathering, _ mentorID: UUID, answer: GatheringAnswer?, attended: Bool?) async throws {
                    let row = GatheringInvitation()
                    row.$gathering.id = try gathering.requireID()
                    row.$mentor.id = mentorID
                    row.invitedAt = gathering.createdAt
                    row.$invitedBy.id = actorID
                    row.answer = answer
                    row.answeredAt = answer == nil ? nil : gathering.createdAt.addingTimeInterval(2 * 86_400)
                    row.attended = attended
                    row.attendanceRecordedAt = attended == nil ? nil : gathering.startsAt.addingTimeInterval(4 * 3600)
                    try await row.create(on: db)
                }

                // Six weeks ago: six invited; four came (three had said yes, one had not answered), two did not.
                let past = try await gathering(.mentorGathering, pastStart, place: Self.pastPlace, theme: Self.pastTheme, createdDaysBefore: 21)
                let pastPlan: [(GatheringAnswer?, Bool)] = [(.yes, true), (.yes, true), (.no, false), (.yes, true), (nil, true), (.maybe, false)]
                for (mentorID, plan) in zip(mentorIDs, pastPlan) {
                    try await invite(past, mentorID, answer: plan.0, attended: plan.1)
                }
                past.summary = Self.summary
                past.summaryAt = pastStart.addingTimeInterval(5 * 3600)
                try await past.save(on: db)

                // Three weeks ahead: every mentor invited; the first few have answered.
                let upcoming = try await gathering(.networkMeeting, upcomingStart, place: Self.upcomingPlace, theme: Self.upcomingTheme, createdDaysBefore: 28)
                let answers: [GatheringAnswer?] = [.yes, .maybe, .yes, .no]
                for (index, mentorID) in mentorIDs.enumerated() {
                    try await invite(upcoming, mentorID, answer: index < answers.count ? answers[index] : nil, attended: nil)
                }
                audit.record(.gathering(.gatheringCreated, past, detail: "demo: holdt samling med oppmøte og oppsummering"))
                audit.record(.gathering(.gatheringCreated, upcoming, detail: "demo: kommende samling, \(mentorIDs.count) mentorer invitert"))
            }
        }
    }
}
