import Fluent
import SQLKit
import Vapor

/// What the office learns from its reflection, for its leaders: counts only — no case details, no
/// names of candidates (and no names of staff either).
struct LearningOverview: Sendable {
    struct Bucket: Sendable, Codable, Equatable {
        /// "2026-Q4" or "2026-11".
        var name: String
        var from: Date
        var to: Date
    }

    struct ThemeRow: Sendable {
        var key: String
        var isFree: Bool
        /// Per quarter, oldest first.
        var counts: [Int]
        var total: Int { counts.reduce(0, +) }
    }

    struct Actions: Sendable, Equatable {
        var open = 0
        var overdue = 0
        var done = 0
        /// Per quarter, oldest first.
        var createdByQuarter: [Int] = []
        var doneByQuarter: [Int] = []
    }

    struct Participation: Sendable, Equatable {
        /// Per month, oldest first.
        var sessionsByMonth: [Int] = []
        var attendancesByMonth: [Int] = []
        var participants = 0
        var counselors = 0
        /// Per quarter, oldest first.
        var notesWritten: [Int] = []
        var notesShared: [Int] = []
    }

    struct Round: Sendable {
        var period: String
        var closed: Bool
        var respondents: Int
        var averages: [Double?]
    }

    var quarters: [Bucket]
    var months: [Bucket]
    var themes: [ThemeRow]
    var freeTags: [ThemeRow]
    var actions: Actions
    var participation: Participation
    var rounds: [Round]

    /// The headline counts the county view compares.
    struct Headline: Sendable, Equatable {
        var sessions: Int
        var attendances: Int
        var participants: Int
        var counselors: Int
        var actionsOpen: Int
        var actionsDone: Int
        var notes: Int
        var themes: Int
    }

    var headline: Headline {
        Headline(sessions: participation.sessionsByMonth.reduce(0, +), attendances: participation.attendancesByMonth.reduce(0, +),
                 participants: participation.participants, counselors: participation.counselors, actionsOpen: actions.open,
                 actionsDone: actions.doneByQuarter.reduce(0, +), notes: participation.notesWritten.reduce(0, +),
                 themes: (themes + freeTags).reduce(0) { $0 + $1.total })
    }

    // MARK: - Periods

    /// The last `count` calendar quarters including the current one, oldest first, in Norwegian time.
    static func quarters(now: Date, count: Int = 4) -> [Bucket] {
        let calendar = RuleDuration.calendar
        let parts = calendar.dateComponents([.year, .month], from: now)
        let start = calendar.date(from: DateComponents(year: parts.year, month: ((parts.month! - 1) / 3) * 3 + 1, day: 1))!
        return (0..<count).reversed().map { back in
            let from = calendar.date(byAdding: .month, value: -3 * back, to: start)!
            return Bucket(name: OfficeLearningRules.quarterName(from), from: from, to: calendar.date(byAdding: .month, value: 3, to: from)!)
        }
    }

    /// The last `count` calendar months including the current one, oldest first.
    static func months(now: Date, count: Int = 6) -> [Bucket] {
        let calendar = RuleDuration.calendar
        let start = calendar.date(from: calendar.dateComponents([.year, .month], from: now))!
        return (0..<count).reversed().map { back in
            let from = calendar.date(byAdding: .month, value: -back, to: start)!
            return Bucket(name: DisplayDate.monthInput(from), from: from, to: calendar.date(byAdding: .month, value: 1, to: from)!)
        }
    }

    static func bucket(_ date: Date, _ buckets: [Bucket]) -> Int? {
        buckets.firstIndex { date >= $0.from && date < $0.to }
    }

    // MARK: - Loading

    static func load(officeID: UUID, now: Date, on db: any Database) async throws -> LearningOverview {
        let quarters = quarters(now: now), months = months(now: now)
        let start = quarters[0].from, end = quarters.last!.to

        let tags = try await ReflectionThemeTag.query(on: db).filter(\.$office.$id == officeID)
            .filter(\.$taggedOn >= start).filter(\.$taggedOn < end).all()
        var byKey: [String: ThemeRow] = [:]
        for tag in tags {
            guard let index = bucket(tag.taggedOn, quarters) else { continue }
            let key = "\(tag.isFree ? "free" : "theme"):\(tag.theme)"
            var row = byKey[key] ?? ThemeRow(key: tag.theme, isFree: tag.isFree, counts: Array(repeating: 0, count: quarters.count))
            row.counts[index] += 1
            byKey[key] = row
        }
        let order: (ThemeRow, ThemeRow) -> Bool = { ($1.total, $0.key) < ($0.total, $1.key) }
        let themes = byKey.values.filter { !$0.isFree }.sorted(by: order)
        let freeTags = Array(byKey.values.filter(\.isFree).sorted(by: order).prefix(10))

        var actions = Actions(createdByQuarter: Array(repeating: 0, count: quarters.count), doneByQuarter: Array(repeating: 0, count: quarters.count))
        for action in try await ReflectionAction.query(on: db).filter(\.$office.$id == officeID).all() {
            if let doneAt = action.doneAt {
                actions.done += 1
                if let index = bucket(doneAt, quarters) { actions.doneByQuarter[index] += 1 }
            } else {
                actions.open += 1
                if action.dueOn < now { actions.overdue += 1 }
            }
            if let index = bucket(action.createdAt, quarters) { actions.createdByQuarter[index] += 1 }
        }

        var participation = Participation(sessionsByMonth: Array(repeating: 0, count: months.count), attendancesByMonth: Array(repeating: 0, count: months.count),
                                          notesWritten: Array(repeating: 0, count: quarters.count), notesShared: Array(repeating: 0, count: quarters.count))
        let sessions = try await ReflectionSession.query(on: db).filter(\.$office.$id == officeID).filter(\.$heldAt != nil).filter(\.$cancelledAt == nil)
            .filter(\.$startsAt >= months[0].from).filter(\.$startsAt < months.last!.to).all()
        let monthOf = Dictionary(sessions.compactMap { s in bucket(s.startsAt, months).map { (s.id!, $0) } }, uniquingKeysWith: { a, _ in a })
        for index in monthOf.values { participation.sessionsByMonth[index] += 1 }
        let counselorIDs = try await counselors(officeID: officeID, on: db)
        participation.counselors = counselorIDs.count
        if !monthOf.isEmpty {
            let came = try await ReflectionAttendance.query(on: db).filter(\.$session.$id ~~ Array(monthOf.keys)).filter(\.$attended == true).all()
            for row in came { if let index = monthOf[row.$session.id] { participation.attendancesByMonth[index] += 1 } }
            participation.participants = Set(came.map(\.$user.id)).intersection(counselorIDs).count
        }
        for note in try await LearningNote.query(on: db).filter(\.$office.$id == officeID).filter(\.$deletedAt == nil).all() {
            if let index = bucket(note.createdAt, quarters) { participation.notesWritten[index] += 1 }
            if let shared = note.sharedAt, let index = bucket(shared, quarters) { participation.notesShared[index] += 1 }
        }

        var rounds: [Round] = []
        for check in try await PremiseRoundSummary.rounds(officeID: officeID, on: db) {
            let summary = try await PremiseRoundSummary.load(check, on: db)
            rounds.append(Round(period: check.period, closed: check.closedAt != nil, respondents: summary.respondents, averages: summary.premises.map(\.average)))
        }
        return LearningOverview(quarters: quarters, months: months, themes: themes, freeTags: freeTags, actions: actions,
                                participation: participation, rounds: rounds)
    }

    /// The office's active counselors (role veileder), as premise 1 counts them.
    static func counselors(officeID: UUID, on db: any Database) async throws -> Set<UUID> {
        let users = try await User.query(on: db).filter(\.$office.$id == officeID).filter(\.$isActive == true).with(\.$roleRows).all()
        return Set(users.filter { $0.roles.contains(.veileder) }.map { $0.id! })
    }
}

/// `/kontor/laering` and `/kontor/laering/fylke` for the office's leaders.
struct LearningOverviewController {
    struct Cell: Encodable, Sendable {
        var label: String
        var values: [Int]
        var total: Int
    }

    struct View: Encodable, Sendable {
        var quarters: [String]
        var months: [String]
        var themes: [Cell]
        var freeTags: [Cell]
        var actionsOpen: Int
        var actionsOverdue: Int
        var actionsDone: Int
        var actionRows: [Cell]
        var participationMonths: [Cell]
        var participants: Int
        var counselors: Int
        var noteRows: [Cell]
        var rounds: [PremisePage.RoundLine]
    }

    func office(req: Request) async throws -> Response {
        let officeID = try req.requireOfficeID()
        let overview = try await LearningOverview.load(officeID: officeID, now: req.now, on: req.db)
        try await req.audit(AuditEvent(.learningOverviewRead, objectType: AuditObjectType.office, objectID: officeID.uuidString, officeID: officeID, detail: "kontor"))
        let cell = { (label: String, values: [Int]) in Cell(label: label, values: values, total: values.reduce(0, +)) }
        let view = View(
            quarters: overview.quarters.map(\.name), months: overview.months.map { DisplayDate.month($0.from) },
            themes: overview.themes.map { cell(ReflectionTheme(rawValue: $0.key).map { req.t($0.labelKey) } ?? $0.key, $0.counts) },
            freeTags: overview.freeTags.map { cell($0.key, $0.counts) },
            actionsOpen: overview.actions.open, actionsOverdue: overview.actions.overdue, actionsDone: overview.actions.done,
            actionRows: [cell(req.t("olearn.learning.actions_created"), overview.actions.createdByQuarter),
                         cell(req.t("olearn.learning.actions_done"), overview.actions.doneByQuarter)],
            participationMonths: zip(overview.months, zip(overview.participation.sessionsByMonth, overview.participation.attendancesByMonth)).map { month, counts in
                Cell(label: DisplayDate.month(month.from), values: [counts.0, counts.1], total: counts.0 + counts.1)
            },
            participants: overview.participation.participants, counselors: overview.participation.counselors,
            noteRows: [cell(req.t("olearn.learning.notes_written"), overview.participation.notesWritten),
                       cell(req.t("olearn.learning.notes_shared"), overview.participation.notesShared)],
            rounds: overview.rounds.map { round in
                PremisePage.RoundLine(period: round.period, status: req.t(round.closed ? "olearn.round.closed" : "olearn.round.open"),
                                      averages: round.averages.map(OfficeLearningRules.formatted), respondents: round.respondents, closeAction: nil)
            }
        )
        return try await req.render("reflection/office/learning", titleKey: "olearn.learning.title", view)
    }

    struct CountyRow: Encodable, Sendable {
        var office: String
        var isOwn: Bool
        var sessions: String
        var attendances: String
        var participants: String
        var counselors: String
        var actionsOpen: String
        var actionsDone: String
        var notes: String
        var themes: String
    }

    /// The offices of the leader's county: the same first two digits of the enhet number.
    static func countyRows(ownOfficeID: UUID, now: Date, on db: any Database) async throws -> (county: String, rows: [(office: Office, headline: LearningOverview.Headline)]) {
        guard let own = try await Office.find(ownOfficeID, on: db) else { throw Abort(.notFound) }
        let county = OfficeLearningRules.county(of: own.enhetNumber)
        let offices = try await Office.query(on: db).sort(\.$enhetNumber).all().filter { OfficeLearningRules.county(of: $0.enhetNumber) == county }
        var rows: [(Office, LearningOverview.Headline)] = []
        for office in offices {
            rows.append((office, try await LearningOverview.load(officeID: office.requireID(), now: now, on: db).headline))
        }
        return (county, rows)
    }

    func county(req: Request) async throws -> Response {
        let officeID = try req.requireOfficeID()
        let (county, rows) = try await Self.countyRows(ownOfficeID: officeID, now: req.now, on: req.db)
        try await req.audit(AuditEvent(.learningOverviewRead, objectType: AuditObjectType.office, objectID: officeID.uuidString, officeID: officeID,
                                       detail: "fylke \(county): \(rows.count) kontorer"))
        let view = rows.map { office, h in
            let own = office.id == officeID
            let m = { (n: Int) in OfficeLearningRules.masked(n, exact: own) }
            return CountyRow(office: "\(office.name) (\(office.enhetNumber))", isOwn: own, sessions: m(h.sessions), attendances: m(h.attendances),
                             participants: m(h.participants), counselors: m(h.counselors), actionsOpen: m(h.actionsOpen), actionsDone: m(h.actionsDone),
                             notes: m(h.notes), themes: m(h.themes))
        }
        struct CountyView: Encodable, Sendable {
            var county: String
            var rows: [CountyRow]
        }
        return try await req.render("reflection/office/county", titleKey: "olearn.county.title", CountyView(county: county, rows: view))
    }
}
