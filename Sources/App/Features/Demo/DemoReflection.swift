import Fluent
import Foundation

/// Demo reflection for the demo offices: reflection groups with members and a rhythm, sessions
/// with agenda points, notes, themes, attendance and actions, learning-log notes (private and
/// shared), one office reflection note with two versions and sign-offs, two rounds of the premises
/// self-check, and resources brought into two pathways. Needs staff and pathways. Deterministic for
/// a given clock; an office that already has reflection groups is left alone.
struct DemoReflection: DemoModule {
    var name: String { "refleksjon" }

    /// The question the demo's shared case presentation asks the group.
    static let caseQuestion = "Hvordan kan vi hjelpe mentoren å gi kandidaten mer ansvar uten at det blir for mye på en gang?"

    func seed(_ context: DemoSeeder.Context) async throws {
        let db = context.db
        let now = context.app.samskap.clock.now()
        for enhet in ["9901", "9902"] {
            guard let office = try await Office.query(on: db).filter(\.$enhetNumber == enhet).first() else { continue }
            let officeID = try office.requireID()
            guard try await ReflectionGroup.query(on: db).filter(\.$office.$id == officeID).count() == 0 else { continue }
            let staff = try await User.query(on: db).filter(\.$office.$id == officeID).filter(\.$isDemo == true).with(\.$roleRows).sort(\.$username).all()
            guard let leader = staff.first(where: { $0.roles.contains(.leder) }) else { continue }
            let counselors = staff.filter { $0.roles.contains(.veileder) }
            guard let first = counselors.first else { continue }
            let market = staff.first { $0.roles.contains(.markedskontakt) }
            let everyone = [leader] + counselors + (market.map { [$0] } ?? [])
            let pathway = try await Pathway.query(on: db).filter(\.$counselor.$id == first.requireID()).filter(\.$status == .active).sort(\.$referralDate).first()
            // A case presentation generated from the first counselor's oldest active pathway, shared for the next session.
            let presentation = enhet == "9901" ? try await casePresentation(context, pathway: pathway, author: first, now: now) : nil

            try await context.app.write(context: AuditContext(actorUserID: try leader.requireID(), actorUsername: leader.username, requestID: nil)) { db, audit in
                let seeder = Seeder(db: db, officeID: officeID, now: now)
                let all = try await seeder.group("Alle hybridveiledere", .allHybrid, rhythmWeeks: 4, createdBy: leader, members: everyone,
                                                 description: "Månedlig møteplass for alle som følger opp kandidater tett. Vi deler erfaringer og tar opp ett tema hver gang.")
                let pastHeld = try await seeder.session(all, daysFromNow: -56, hour: 9, place: "Møterom Fjorden", by: leader)
                try await seeder.agenda(pastHeld, 1, .theme, "Når arbeidsgiver venter en ferdig arbeidstaker", by: leader,
                                        notes: "Flere har møtt arbeidsgivere som vil ha noen som kan jobben fra første dag. Det hjelper å snakke åpent om utfordringene i startmøtet i stedet for å selge inn kandidaten, og å avtale hva mentoren trenger fra oss.",
                                        themes: [.employerContact, .relationshipBuilding], free: ["startmøte"])
                try await seeder.agenda(pastHeld, 2, .exchange, "Gjort – lært – lurt siden sist", by: leader,
                                        notes: "Alle delte ett eksempel. Felles lærdom: book neste møte før vi går fra arbeidsplassen.",
                                        themes: [.followUpAfterPlacement], free: [])
                try await seeder.attendance(pastHeld, came: everyone.dropLast(), absent: Array(everyone.suffix(1)), by: leader)
                pastHeld.summary = "Vi lager en enkel mal for startmøtet med mentor, og tar opp porteføljestørrelse i neste ledermøte."
                try await pastHeld.save(on: db)
                let template = try await seeder.action(pastHeld, "Lage en enkel mal for startmøtet med mentor", owner: counselors.last ?? first, dueDays: -28, by: leader)
                template.doneAt = seeder.at(days: -30, hour: 14)
                template.$doneBy.id = template.$owner.id
                try await template.save(on: db)

                let recentHeld = try await seeder.session(all, daysFromNow: -28, hour: 9, place: "Møterom Fjorden", by: leader)
                try await seeder.agenda(recentHeld, 1, .theme, "Mentorens rolle når det butter", by: leader,
                                        notes: "Mentorene sier de trenger å vite hvem de kan ringe. Vi gir alle mentorer direkte nummer og ringer dem selv etter to uker, ikke bare når noe har skjedd.",
                                        themes: [.mentorRole, .rolesAndResponsibility], free: ["naturlig støtte"])
                try await seeder.agenda(recentHeld, 2, .theme, "Måltall og tid til tett oppfølging", by: leader,
                                        notes: "Store porteføljer gjør det vanskelig å holde av tid. Leder tar med seg forslag om å skjerme en halv dag i uka.",
                                        themes: [.portfolioSize, .steering], free: [])
                try await seeder.attendance(recentHeld, came: everyone, absent: [], by: leader)
                _ = try await seeder.action(recentHeld, "Ringe alle mentorer to uker etter oppstart", owner: first, dueDays: 7, by: leader)
                _ = try await seeder.action(recentHeld, "Ta opp skjermet tid til tett oppfølging i ledermøtet", owner: leader, dueDays: 10, by: leader)
                _ = try await seeder.action(recentHeld, "Skrive gjort – lært – lurt etter neste startmøte", owner: first, dueDays: -3, by: leader)

                let upcoming = try await seeder.session(all, daysFromNow: 5, hour: 9, place: "Møterom Fjorden", by: leader)
                try await seeder.agenda(upcoming, 1, .theme, "Samarbeid med helse når kandidaten står i behandling", by: leader, notes: nil,
                                        themes: [.externalResources, .internalCooperation], free: [])
                try await seeder.agenda(upcoming, 2, .exchange, "Gjort – lært – lurt siden sist", by: leader, notes: nil, themes: [], free: [])
                if let presentation {
                    try await seeder.agenda(upcoming, 3, .casePresentation, presentation.question, by: first, notes: nil, themes: [], free: [],
                                            casePresentationID: presentation.id)
                }

                if counselors.count >= 2 {
                    let trio = try await seeder.group("Saksdrøfting – trio", .caseDiscussion, rhythmWeeks: 2, createdBy: first,
                                                      members: Array(counselors.prefix(2)) + (market.map { [$0] } ?? []),
                                                      description: "Tre og tre drøfter én kandidat hver gang, uten navn. Den som tar med saken, har med seg et spørsmål.")
                    let trioHeld = try await seeder.session(trio, daysFromNow: -14, hour: 13, place: "Lite møterom", by: first)
                    try await seeder.agenda(trioHeld, 1, .theme, "Hvor mye kan vi kreve av kandidaten?", by: first,
                                            notes: "Vi ble enige om å avtale små, tydelige mål sammen med mentor, og å spørre kandidaten selv hva som er realistisk.",
                                            themes: [.candidateReadiness], free: ["forventninger"])
                    try await seeder.attendance(trioHeld, came: Array(counselors.prefix(2)), absent: market.map { [$0] } ?? [], by: first)
                    try await seeder.note(by: counselors[1], group: trio, daysAgo: 12,
                                          done: "Hadde startmøte på arbeidsplassen med mentor og kandidat, og snakket åpent om hva som kan bli vanskelig.",
                                          learned: "Mentoren ble tryggere da vi sa høyt hva vi ikke vet ennå.",
                                          worth: "Starte med styrker, så utfordringer, og avtale neste møte før vi går.",
                                          themes: [.relationshipBuilding, .employerContact])
                }

                // Learning log: one private note on a pathway, one shared with the whole group.
                try await seeder.note(by: first, group: nil, daysAgo: 3, pathwayID: pathway?.id,
                                      done: "Var med på første arbeidsdag og gikk gjennom opplæringsplanen med mentoren.",
                                      learned: "Det tar tid å bli trygg på nye rutiner; mentoren trengte et konkret spørsmål å starte med.",
                                      worth: "Skrive opp to–tre små mål for første uke sammen med mentor.",
                                      themes: [.mentorRole])
                try await seeder.note(by: first, group: all, daysAgo: 20,
                                      done: "Ringte mentoren to uker etter oppstart uten at noe hadde skjedd.",
                                      learned: "Mentoren hadde to ting hun hadde lurt på, men ikke villet forstyrre med.",
                                      worth: "Faste, korte telefoner til mentor de første ukene.",
                                      themes: [.followUpAfterPlacement, .mentorRole])

                // The office's reflection note, the premises self-check, and resources in two pathways.
                if enhet == "9901" {
                    try await seeder.reflectionNote(leader: leader, writer: first, participants: everyone)
                    try await seeder.premiseRounds(leader: leader, people: [leader] + counselors)
                    let pathways = try await Pathway.query(on: db).filter(\.$office.$id == officeID).filter(\.$status == .active)
                        .sort(\.$referralDate).limit(3).all()
                    if pathways.count >= 2 {
                        try await seeder.resource(pathways[0], .marketContact, startDays: -40, endDays: nil, by: first,
                                                  note: "Markedskontakten var med på første besøk hos arbeidsgiveren.")
                        try await seeder.resource(pathways[1], .health, startDays: -60, endDays: nil, by: first,
                                                  note: "Avtalt samarbeidsmøte med fastlegen; ingen helseopplysninger her.")
                        try await seeder.resource(pathways[1], .school, startDays: -200, endDays: -120, by: first, note: nil)
                    }
                }
                audit.record(AuditEvent(.demoSeeded, objectType: AuditObjectType.office, objectID: officeID.uuidString, officeID: officeID,
                                        detail: "demo: refleksjonsgrupper, møter, tiltak, læringslogg"))
            }
        }
    }

    /// Generates a pseudonymised presentation from the pathway as its counselor would, adds the
    /// question for the group, and shares it (the same identifier check as on the page).
    private func casePresentation(_ context: DemoSeeder.Context, pathway: Pathway?, author: User, now: Date) async throws -> CasePresentation? {
        let app = context.app
        guard let pathway, let candidate = try await Candidate.find(pathway.$candidate.id, on: context.db),
              let record = try await MethodModelRecord.find(pathway.$methodModel.id, on: context.db) else { return nil }
        let opened = OpenedPathway(pathway: pathway, candidate: OpenedCandidate(candidate: candidate, level: .full), recordID: try record.requireID(),
                                   model: try app.samskap.methodModels.model(record))
        let strings = app.samskap.strings
        let t: @Sendable (String, [String]) -> String = { strings.text($0, locale: "nb", args: $1) }
        let draft = CasePresentationDraft.build(pathway: try await CaseSource.load(opened, now: now, t: t, on: context.db), now: now, t: t)
        let texts = CasePresentationRules.Texts(
            challenges: draft.challenges, tried: draft.tried, criteria: draft.criteria,
            question: Self.caseQuestion
        )
        let authorID = try author.requireID()
        let service = CasePresentationService(app: app, context: AuditContext(actorUserID: authorID, actorUsername: author.username, requestID: nil),
                                              actorID: authorID, now: now)
        let presentation = try await service.create(officeID: pathway.$office.id, pathwayID: try pathway.requireID(), draft, texts)
        try await service.share(try presentation.requireID(), texts, t: t)
        presentation.question = texts.question
        return presentation
    }

    /// Writes rows for one office; dates are whole hours relative to today, Norwegian time.
    private struct Seeder {
        let db: any Database
        let officeID: UUID
        let now: Date

        func at(days: Int, hour: Int) -> Date {
            let calendar = RuleDuration.calendar
            let day = calendar.date(byAdding: .day, value: days, to: calendar.startOfDay(for: now)) ?? now
            return calendar.date(bySettingHour: hour, minute: 0, second: 0, of: day) ?? day
        }

        func group(_ name: String, _ kind: ReflectionGroupKind, rhythmWeeks: Int?, createdBy: User, members: [User], description: String) async throws -> ReflectionGroup {
            let group = ReflectionGroup()
            group.$office.id = officeID
            group.name = name
            group.kind = kind
            group.rhythmWeeks = rhythmWeeks
            group.groupDescription = description
            group.createdAt = at(days: -120, hour: 10)
            group.$createdBy.id = try createdBy.requireID()
            try await group.create(on: db)
            for member in members {
                let row = ReflectionGroupMember()
                row.$group.id = try group.requireID()
                row.$user.id = try member.requireID()
                row.addedAt = group.createdAt
                row.$addedBy.id = try createdBy.requireID()
                try await row.create(on: db)
            }
            return group
        }

        func session(_ group: ReflectionGroup, daysFromNow: Int, hour: Int, place: String, by: User) async throws -> ReflectionSession {
            let session = ReflectionSession()
            session.$office.id = officeID
            session.$group.id = try group.requireID()
            session.startsAt = at(days: daysFromNow, hour: hour)
            session.place = place
            session.createdAt = at(days: daysFromNow - 14, hour: 12)
            session.$createdBy.id = try by.requireID()
            try await session.create(on: db)
            return session
        }

        func agenda(_ session: ReflectionSession, _ position: Int, _ kind: AgendaItemKind, _ title: String, by: User, notes: String?,
                    themes: [ReflectionTheme], free: [String], casePresentationID: UUID? = nil) async throws {
            let item = ReflectionAgendaItem()
            item.$casePresentation.id = casePresentationID
            item.$session.id = try session.requireID()
            item.position = position
            item.kind = kind
            item.title = title
            item.notes = notes
            item.createdAt = session.createdAt
            item.$createdBy.id = try by.requireID()
            item.updatedAt = notes == nil ? session.createdAt : session.startsAt.addingTimeInterval(2 * 3600)
            try await item.create(on: db)
            let tags = themes.map { ($0.rawValue, false) } + free.compactMap(ReflectionTheme.normalisedFreeTag).map { ($0, true) }
            for (theme, isFree) in tags {
                let tag = ReflectionThemeTag()
                tag.$office.id = officeID
                tag.$session.id = try session.requireID()
                tag.$agendaItem.id = try item.requireID()
                tag.theme = theme
                tag.isFree = isFree
                tag.taggedOn = RuleDuration.calendar.startOfDay(for: session.startsAt)
                try await tag.create(on: db)
            }
        }

        func attendance(_ session: ReflectionSession, came: [User], absent: [User], by: User) async throws {
            let recordedAt = session.startsAt.addingTimeInterval(3 * 3600)
            for (user, attended) in came.map({ ($0, true) }) + absent.map({ ($0, false) }) {
                let row = ReflectionAttendance()
                row.$session.id = try session.requireID()
                row.$user.id = try user.requireID()
                row.attended = attended
                row.recordedAt = recordedAt
                row.$recordedBy.id = try by.requireID()
                try await row.create(on: db)
            }
            session.heldAt = recordedAt
            try await session.save(on: db)
        }

        func action(_ session: ReflectionSession, _ title: String, owner: User, dueDays: Int, by: User) async throws -> ReflectionAction {
            let action = ReflectionAction()
            action.$office.id = officeID
            action.$session.id = try session.requireID()
            action.title = title
            action.$owner.id = try owner.requireID()
            action.dueOn = RuleDuration.calendar.startOfDay(for: at(days: dueDays, hour: 12))
            action.createdAt = session.startsAt.addingTimeInterval(3 * 3600)
            action.$createdBy.id = try by.requireID()
            try await action.create(on: db)
            return action
        }

        func note(by author: User, group: ReflectionGroup?, daysAgo: Int, pathwayID: UUID? = nil,
                  done: String, learned: String, worth: String, themes: [ReflectionTheme]) async throws {
            let note = LearningNote()
            note.$office.id = officeID
            note.$author.id = try author.requireID()
            note.$pathway.id = pathwayID
            note.done = done
            note.learned = learned
            note.worthKeeping = worth
            note.createdAt = at(days: -daysAgo, hour: 15)
            note.updatedAt = note.createdAt
            if let group {
                note.$group.id = try group.requireID()
                note.sharedAt = note.createdAt.addingTimeInterval(600)
            }
            try await note.create(on: db)
            for theme in themes {
                let tag = ReflectionThemeTag()
                tag.$office.id = officeID
                tag.$learningNote.id = try note.requireID()
                tag.theme = theme.rawValue
                tag.isFree = false
                tag.taggedOn = RuleDuration.calendar.startOfDay(for: note.createdAt)
                try await tag.create(on: db)
            }
        }

        /// Half-year period of `date`, e.g. "2026-H2".
        static func halfYear(_ date: Date) -> String {
            let parts = RuleDuration.calendar.dateComponents([.year, .month], from: date)
            return "\(parts.year ?? 2026)-H\((parts.month ?? 1) <= 6 ? 1 : 2)"
        }

        /// Quarter of `date`, e.g. "2026-Q4".
        static func quarter(_ date: Date) -> String {
            let parts = RuleDuration.calendar.dateComponents([.year, .month], from: date)
            return "\(parts.year ?? 2026)-Q\(((parts.month ?? 1) - 1) / 3 + 1)"
        }

        func reflectionNote(leader: User, writer: User, participants: [User]) async throws {
            let note = ReflectionNote()
            note.$office.id = officeID
            note.period = Self.halfYear(now)
            note.title = "Slik jobber vi med hybridmodellen"
            note.currentVersion = 2
            note.createdAt = at(days: -100, hour: 10)
            note.$createdBy.id = try leader.requireID()
            try await note.create(on: db)
            let noteID = try note.requireID()
            for user in participants {
                let row = ReflectionNoteParticipant()
                row.$note.id = noteID
                row.$user.id = try user.requireID()
                row.addedAt = note.createdAt
                try await row.create(on: db)
            }
            let first = """
                Hos oss har hver veileder med hybridoppfølging to til fem kandidater som får tett oppfølging, ved siden av resten av porteføljen. \
                Vi starter med det kandidaten selv ønsker, og finner arbeidsplassen før opplæringen.

                Mentoren velges sammen med arbeidsgiveren. Vi har lært at nærhet til kandidaten i hverdagen betyr mer enn stillingen mentoren har.
                """
            let second = first + """


                Vi møtes hver fjerde uke i gruppen for alle hybridveiledere. Hver gang tar vi ett tema, ikke bare enkeltsaker, \
                fordi saksdrøftingene ellers tar all tiden. Tre og tre drøfter i tillegg én kandidat annenhver uke, uten navn.

                Det vi vil bli bedre på: ringe mentorene før noe har skjedd, og få med helse og skole tidligere når kandidaten trenger det.
                """
            for (version, body, summary, writtenAt, by) in [
                (1, first, "Første utkast", at(days: -100, hour: 11), leader),
                (2, second, "La til møteplassene og hva vi vil bli bedre på", at(days: -30, hour: 14), writer),
            ] {
                let row = ReflectionNoteVersion()
                row.$note.id = noteID
                row.version = version
                row.body = body
                row.changeSummary = summary
                row.writtenAt = writtenAt
                row.$writtenBy.id = try by.requireID()
                try await row.create(on: db)
            }
            // Version 1 was signed by the leader; version 2 so far by the leader and the writer.
            for (version, user, days) in [(1, leader, -99), (2, leader, -29), (2, writer, -30)] {
                let row = ReflectionNoteSignoff()
                row.$note.id = noteID
                row.version = version
                row.$user.id = try user.requireID()
                row.signedAt = at(days: days, hour: 16)
                try await row.create(on: db)
            }
        }

        func premiseRounds(leader: User, people: [User]) async throws {
            let calendar = RuleDuration.calendar
            let lastQuarter = calendar.date(byAdding: .month, value: -3, to: now) ?? now
            // Scores per premise 1–4: the earlier round a little lower than the current one.
            let rounds: [(String, Date, Date?, [[Int]])] = [
                (Self.quarter(lastQuarter), at(days: -100, hour: 9), at(days: -80, hour: 9), [[3, 3, 2, 2], [2, 4, 2, 3], [3, 3, 3, 2]]),
                (Self.quarter(now), at(days: -6, hour: 9), nil, [[4, 3, 4, 3], [3, 4, 4, 3]]),
            ]
            let comments = [
                2: "Vi møtes jevnlig nå, men temaene blir fort til enkeltsaker.",
                4: "Markedskontakten er med tidlig; helse kommer ofte for sent inn.",
            ]
            for (period, openedAt, closedAt, scores) in rounds {
                let check = PremiseCheck()
                check.$office.id = officeID
                check.period = period
                check.openedAt = openedAt
                check.$openedBy.id = try leader.requireID()
                check.closedAt = closedAt
                try await check.create(on: db)
                for (person, personScores) in zip(people, scores) {
                    for (index, score) in personScores.enumerated() {
                        let answer = PremiseAnswer()
                        answer.$check.id = try check.requireID()
                        answer.$user.id = try person.requireID()
                        answer.premise = index + 1
                        answer.score = score
                        answer.comment = person.id == leader.id ? comments[index + 1] : nil
                        answer.answeredAt = openedAt.addingTimeInterval(86_400)
                        try await answer.create(on: db)
                    }
                }
            }
        }

        func resource(_ pathway: Pathway, _ kind: PathwayResourceKind, startDays: Int, endDays: Int?, by: User, note: String?) async throws {
            let row = PathwayResource()
            row.$pathway.id = try pathway.requireID()
            row.$office.id = officeID
            row.kind = kind
            row.note = note
            row.startedOn = RuleDuration.calendar.startOfDay(for: at(days: startDays, hour: 12))
            row.endedOn = endDays.map { RuleDuration.calendar.startOfDay(for: at(days: $0, hour: 12)) }
            row.recordedAt = at(days: startDays, hour: 15)
            row.$recordedBy.id = try by.requireID()
            try await row.create(on: db)
        }
    }
}
