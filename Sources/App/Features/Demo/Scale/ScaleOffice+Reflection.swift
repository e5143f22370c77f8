import Foundation

extension ScaleOffice {
    private static let agendaTitles: [(AgendaItemKind, String)] = [
        (.theme, "Hvordan snakker vi med mentor når det butter?"), (.exchange, "Erfaringer fra arbeidsgiverbesøk denne måneden"),
        (.theme, "Plass først – og hva det krever av oss etterpå"), (.exchange, "Hva gjør vi når kandidaten trekker seg?"),
        (.other, "Oppfølging av tiltak fra forrige møte"), (.theme, "Tid til tett oppfølging i en stor portefølje"),
    ]
    private static let actionTitles = ["Lage en felles sjekkliste for første arbeidsdag", "Invitere mentorene til samling",
                                       "Dele erfaringer fra arbeidsgiverbesøk på kontormøtet", "Prøve ut fast tid til refleksjon hver fjerde uke"]
    private static let notes: [(String, String, String)] = [
        ("Ringte mentor uken etter oppstart i stedet for å vente på evalueringsmøtet.", "Mentor hadde spørsmål hun ikke ville ta opp med kandidaten til stede.", "Ring mentor alene første uke."),
        ("Avtalte neste møte før vi gikk fra bordet.", "Det sparte tre telefoner og to uker.", "Book neste møte i møtet."),
        ("Lot kandidaten fortelle om egne ønsker før vi så på stillinger.", "Motivasjonen ble tydeligere enn i papirene.", "Start med ønskene."),
    ]

    /// Reflection work of an office, in the small numbers a real office has: two groups, a session
    /// every six weeks over the last year, agenda, attendance, themes, actions and learning notes.
    mutating func writeReflection(writer: ScaleWriter) async throws {
        let created = day(400, hour: 9)
        let hybridGroup = rng.uuid(), caseGroup = rng.uuid()
        try await writer.add("reflection_groups", [hybridGroup, staff.officeID, "Hybridveiledere \(staff.enhet)", ReflectionGroupKind.allHybrid.rawValue, 6,
                                                   "Erfaringsdeling og refleksjon for alle hybridveiledere.", created, staff.leaderID])
        try await writer.add("reflection_groups", [caseGroup, staff.officeID, "Sakdrøfting \(staff.enhet)", ReflectionGroupKind.caseDiscussion.rawValue, 4,
                                                   "Tre veiledere drøfter ett forløp hver gang.", created, staff.leaderID])
        let hybridMembers = Array(staff.counselors.prefix(10)) + [staff.leaderID]
        let caseMembers = Array(staff.counselors.prefix(3))
        for (group, members) in [(hybridGroup, hybridMembers), (caseGroup, caseMembers)] {
            for member in members {
                try await writer.add("reflection_group_members", [rng.uuid(), group, member, created, staff.leaderID])
            }
        }
        let themes = ReflectionTheme.allCases
        for (group, members, every) in [(hybridGroup, hybridMembers, 42), (caseGroup, caseMembers, 28)] {
            var daysAgo = 360
            while daysAgo > -30 {
                let session = rng.uuid()
                let starts = day(daysAgo, hour: 13)
                let held = daysAgo > 0
                try await writer.add("reflection_sessions", [session, staff.officeID, group, starts, "Møterom Skala", held ? "Gode innspill; se tiltakene." : nil,
                                                             held ? starts.addingTimeInterval(7_200) : nil, starts.addingTimeInterval(-14 * 86_400), staff.leaderID])
                var firstItem: UUID?
                for position in 0..<3 {
                    let item = rng.uuid()
                    let (kind, title) = rng.pick(Self.agendaTitles)
                    try await writer.add("reflection_agenda_items", [item, session, position + 1, kind.rawValue, title, held ? "Notater fra samtalen." : nil,
                                                                     starts.addingTimeInterval(-14 * 86_400), staff.leaderID, starts.addingTimeInterval(-14 * 86_400)])
                    firstItem = firstItem ?? item
                    if held && position < 2 {
                        try await writer.add("reflection_themes", [rng.uuid(), staff.officeID, session, item, nil as UUID?, rng.pick(themes).rawValue, false, starts])
                    }
                }
                if held {
                    for member in members {
                        try await writer.add("reflection_attendance", [rng.uuid(), session, member, rng.chance(0.85), starts.addingTimeInterval(7_200), staff.leaderID])
                    }
                    let owner = rng.pick(members)
                    let due = starts.addingTimeInterval(14 * 86_400)
                    let done = due < now && rng.chance(0.7)
                    try await writer.add("reflection_actions", [rng.uuid(), staff.officeID, session, firstItem, rng.pick(Self.actionTitles), owner, due,
                                                                done ? due : nil, done ? owner : nil, starts.addingTimeInterval(7_200), staff.leaderID])
                }
                daysAgo -= every
            }
        }
        for _ in 0..<15 {
            let note = rng.uuid()
            let author = rng.pick(Array(staff.counselors.prefix(10)))
            let pathway = pathwaysForNotes.last(where: { $0.counselor == author })?.pathway
            let (done, learned, keep) = rng.pick(Self.notes)
            let written = day(rng.int(5...300), hour: 15)
            let shared = rng.chance(0.5)
            try await writer.add("learning_notes", [note, staff.officeID, author, pathway, done, learned, keep, shared ? hybridGroup : nil,
                                                    shared ? written.addingTimeInterval(3_600) : nil, written, written])
            try await writer.add("reflection_themes", [rng.uuid(), staff.officeID, nil as UUID?, nil as UUID?, note, rng.pick(themes).rawValue, false, written])
        }
    }
}
