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

    /// Free tags are shown as text only when at least this many different sources (learning note
    /// authors and reflection sessions) used them; the rest are counted together as "other own tags".
    static let freeTagMinSources = 3
    static let freeTagLimit = 10
    /// The key of the row that folds the free tags not shown as text.
    static let otherFreeKey = ""

    /// One office's overview, rounds included.
    static func load(officeID: UUID, now: Date, on db: any Database) async throws -> LearningOverview {
        var overview = try await loadMany(officeIDs: [officeID], now: now, on: db)[officeID]!
        overview.rounds = try await rounds(officeID: officeID, on: db)
        return overview
    }

    /// The overviews of several offices (rounds left empty), one grouped SQL statement per measure
    /// for all of them together, on SQLite and PostgreSQL alike.
    static func loadMany(officeIDs: [UUID], now: Date, on db: any Database) async throws -> [UUID: LearningOverview] {
        let sql = db as! any SQLDatabase
        let quarters = quarters(now: now), months = months(now: now)
        var result: [UUID: LearningOverview] = [:]
        for id in officeIDs {
            result[id] = LearningOverview(
                quarters: quarters, months: months, themes: [], freeTags: [],
                actions: Actions(createdByQuarter: Array(repeating: 0, count: quarters.count), doneByQuarter: Array(repeating: 0, count: quarters.count)),
                participation: Participation(sessionsByMonth: Array(repeating: 0, count: months.count), attendancesByMonth: Array(repeating: 0, count: months.count),
                                             notesWritten: Array(repeating: 0, count: quarters.count), notesShared: Array(repeating: 0, count: quarters.count)),
                rounds: [])
        }
        guard !officeIDs.isEmpty else { return result }
        let ids = officeIDs.map { $0 as any Encodable & Sendable }
        let qFrom = quarters[0].from, qTo = quarters.last!.to
        let mFrom = months[0].from, mTo = months.last!.to

        // Themes: only from sessions not cancelled and from learning notes shared with a group (never private ones).
        let counted: SQLQueryString = """
            FROM reflection_themes t
            LEFT JOIN reflection_sessions s ON s.id = t.session_id
            LEFT JOIN learning_notes n ON n.id = t.learning_note_id
            WHERE t.office_id IN (\(binds: ids)) AND t.tagged_on >= \(bind: qFrom) AND t.tagged_on < \(bind: qTo)
              AND ((s.id IS NOT NULL AND s.cancelled_at IS NULL)
                   OR (s.id IS NULL AND n.id IS NOT NULL AND n.group_id IS NOT NULL AND n.shared_at IS NOT NULL AND n.deleted_at IS NULL))
            """
        let themeRows = try await sql.raw("""
            SELECT t.office_id AS office_id, t.theme AS theme, t.is_free AS is_free, \(bucketCase("t.tagged_on", quarters)) AS bucket, COUNT(*) AS n
            \(counted) GROUP BY 1, 2, 3, 4
            """).all(decoding: ThemeCount.self)
        let sourceRows = try await sql.raw("""
            SELECT t.office_id AS office_id, t.theme AS theme, COUNT(DISTINCT COALESCE(s.id, n.author_id)) AS n
            \(counted) AND t.is_free = \(bind: true) GROUP BY t.office_id, t.theme
            """).all(decoding: SourceCount.self)
        var sources: [UUID: [String: Int]] = [:]
        for row in sourceRows { sources[row.office_id, default: [:]][row.theme] = row.n }
        var byOffice: [UUID: [String: ThemeRow]] = [:]
        for row in themeRows {
            guard let bucket = row.bucket, bucket >= 0, bucket < quarters.count else { continue }
            let key = "\(row.is_free ? "free" : "theme"):\(row.theme)"
            var theme = byOffice[row.office_id, default: [:]][key] ?? ThemeRow(key: row.theme, isFree: row.is_free, counts: Array(repeating: 0, count: quarters.count))
            theme.counts[bucket] += row.n
            byOffice[row.office_id, default: [:]][key] = theme
        }
        let order: (ThemeRow, ThemeRow) -> Bool = { ($1.total, $0.key) < ($0.total, $1.key) }
        for (officeID, rows) in byOffice {
            let free = rows.values.filter(\.isFree).sorted(by: order)
            let (shown, folded) = splitFreeTags(free, sources: sources[officeID] ?? [:])
            var freeTags = shown
            if !folded.isEmpty {
                freeTags.append(ThemeRow(key: otherFreeKey, isFree: true,
                                         counts: (0..<quarters.count).map { index in folded.reduce(0) { $0 + $1.counts[index] } }))
            }
            result[officeID]?.themes = rows.values.filter { !$0.isFree }.sorted(by: order)
            result[officeID]?.freeTags = freeTags
        }

        // Actions: open, overdue (due before today) and done over all time; created and done per quarter.
        let today = RuleDuration.calendar.startOfDay(for: now)
        for row in try await sql.raw("""
            SELECT office_id,
                   COALESCE(SUM(CASE WHEN done_at IS NULL THEN 1 ELSE 0 END), 0) AS open_count,
                   COALESCE(SUM(CASE WHEN done_at IS NULL AND due_on < \(bind: today) THEN 1 ELSE 0 END), 0) AS overdue_count,
                   COALESCE(SUM(CASE WHEN done_at IS NOT NULL THEN 1 ELSE 0 END), 0) AS done_count
            FROM reflection_actions WHERE office_id IN (\(binds: ids)) GROUP BY office_id
            """).all(decoding: ActionCount.self) {
            result[row.office_id]?.actions.open = row.open_count
            result[row.office_id]?.actions.overdue = row.overdue_count
            result[row.office_id]?.actions.done = row.done_count
        }
        for row in try await countByBucket(sql, table: "reflection_actions x", column: "x.created_at", where: "x.office_id IN (\(binds: ids))", quarters) {
            result[row.office_id]?.actions.createdByQuarter[row.bucket!] += row.n
        }
        for row in try await countByBucket(sql, table: "reflection_actions x", column: "x.done_at", where: "x.office_id IN (\(binds: ids))", quarters) {
            result[row.office_id]?.actions.doneByQuarter[row.bucket!] += row.n
        }

        // Participation: sessions held (not cancelled) and attendances per month; counselors who came.
        let held: SQLQueryString = "x.office_id IN (\(binds: ids)) AND x.held_at IS NOT NULL AND x.cancelled_at IS NULL"
        for row in try await countByBucket(sql, table: "reflection_sessions x", column: "x.starts_at", where: held, months) {
            result[row.office_id]?.participation.sessionsByMonth[row.bucket!] += row.n
        }
        for row in try await countByBucket(sql, table: "reflection_attendance a JOIN reflection_sessions x ON x.id = a.session_id",
                                           column: "x.starts_at", where: held + " AND a.attended = \(bind: true)", months) {
            result[row.office_id]?.participation.attendancesByMonth[row.bucket!] += row.n
        }
        let counselor: SQLQueryString = """
            u.is_active = \(bind: true) AND EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = u.id AND r.role = \(bind: Role.veileder.rawValue))
            """
        for row in try await sql.raw("""
            SELECT u.office_id AS office_id, COUNT(*) AS n FROM users u WHERE u.office_id IN (\(binds: ids)) AND \(counselor) GROUP BY u.office_id
            """).all(decoding: OfficeCount.self) {
            result[row.office_id]?.participation.counselors = row.n
        }
        for row in try await sql.raw("""
            SELECT x.office_id AS office_id, COUNT(DISTINCT a.user_id) AS n
            FROM reflection_attendance a JOIN reflection_sessions x ON x.id = a.session_id JOIN users u ON u.id = a.user_id AND u.office_id = x.office_id
            WHERE \(held) AND a.attended = \(bind: true) AND x.starts_at >= \(bind: mFrom) AND x.starts_at < \(bind: mTo) AND \(counselor)
            GROUP BY x.office_id
            """).all(decoding: OfficeCount.self) {
            result[row.office_id]?.participation.participants = row.n
        }

        // Learning notes (not deleted): written and shared per quarter — counts only.
        let notes: SQLQueryString = "x.office_id IN (\(binds: ids)) AND x.deleted_at IS NULL"
        for row in try await countByBucket(sql, table: "learning_notes x", column: "x.created_at", where: notes, quarters) {
            result[row.office_id]?.participation.notesWritten[row.bucket!] += row.n
        }
        for row in try await countByBucket(sql, table: "learning_notes x", column: "x.shared_at", where: notes, quarters) {
            result[row.office_id]?.participation.notesShared[row.bucket!] += row.n
        }
        return result
    }

    /// Free tags shown as text (used by at least `freeTagMinSources` sources, the `freeTagLimit` most
    /// used) and the rest, folded. `free` comes sorted, most used first.
    static func splitFreeTags(_ free: [ThemeRow], sources: [String: Int]) -> (shown: [ThemeRow], folded: [ThemeRow]) {
        var shown: [ThemeRow] = [], folded: [ThemeRow] = []
        for row in free {
            if (sources[row.key] ?? 0) >= freeTagMinSources, shown.count < freeTagLimit { shown.append(row) } else { folded.append(row) }
        }
        return (shown, folded)
    }

    /// `CASE WHEN column in bucket 0 THEN 0 … END`: the bucket index in SQL.
    static func bucketCase(_ column: String, _ buckets: [Bucket]) -> SQLQueryString {
        var text: SQLQueryString = "CASE"
        for (index, bucket) in buckets.enumerated() {
            text += " WHEN \(unsafeRaw: column) >= \(bind: bucket.from) AND \(unsafeRaw: column) < \(bind: bucket.to) THEN \(literal: index)"
        }
        return text + " END"
    }

    /// Rows counted per office and bucket of `column`, within the buckets' span.
    private static func countByBucket(_ sql: any SQLDatabase, table: String, column: String, where condition: SQLQueryString,
                                      _ buckets: [Bucket]) async throws -> [BucketCount] {
        let bucket = bucketCase(column, buckets)
        return try await sql.raw("""
            SELECT x.office_id AS office_id, \(bucket) AS bucket, COUNT(*) AS n FROM \(unsafeRaw: table)
            WHERE \(condition) AND \(unsafeRaw: column) >= \(bind: buckets[0].from) AND \(unsafeRaw: column) < \(bind: buckets.last!.to)
            GROUP BY 1, 2
            """).all(decoding: BucketCount.self).filter { $0.bucket.map { $0 >= 0 && $0 < buckets.count } ?? false }
    }

    /// The office's self-check rounds, newest first: respondents and average per premise, in two grouped statements.
    static func rounds(officeID: UUID, on db: any Database) async throws -> [Round] {
        let sql = db as! any SQLDatabase
        let checks = try await PremiseRoundSummary.rounds(officeID: officeID, on: db)
        guard !checks.isEmpty else { return [] }
        var scores: [UUID: [Int: (n: Int, sum: Int)]] = [:], respondents: [UUID: Int] = [:]
        for row in try await sql.raw("""
            SELECT a.check_id AS check_id, a.premise AS premise, COUNT(*) AS n, CAST(SUM(a.score) AS BIGINT) AS total
            FROM premise_answers a JOIN premise_checks c ON c.id = a.check_id WHERE c.office_id = \(bind: officeID) GROUP BY a.check_id, a.premise
            """).all(decoding: PremiseSum.self) {
            scores[row.check_id, default: [:]][row.premise] = (row.n, row.total ?? 0)
        }
        for row in try await sql.raw("""
            SELECT a.check_id AS check_id, COUNT(DISTINCT a.user_id) AS n
            FROM premise_answers a JOIN premise_checks c ON c.id = a.check_id WHERE c.office_id = \(bind: officeID) GROUP BY a.check_id
            """).all(decoding: CheckCount.self) {
            respondents[row.check_id] = row.n
        }
        return checks.map { check in
            let mine = scores[check.id!] ?? [:]
            let averages = OfficeLearningRules.premises.map { premise -> Double? in
                guard let s = mine[premise], s.n > 0 else { return nil }
                return (Double(s.sum) / Double(s.n) * 10).rounded() / 10
            }
            return Round(period: check.period, closed: check.closedAt != nil, respondents: respondents[check.id!] ?? 0, averages: averages)
        }
    }

    private struct ThemeCount: Decodable { var office_id: UUID; var theme: String; var is_free: Bool; var bucket: Int?; var n: Int }
    private struct SourceCount: Decodable { var office_id: UUID; var theme: String; var n: Int }
    private struct ActionCount: Decodable { var office_id: UUID; var open_count: Int; var overdue_count: Int; var done_count: Int }
    private struct OfficeCount: Decodable { var office_id: UUID; var n: Int }
    private struct BucketCount: Decodable { var office_id: UUID; var bucket: Int?; var n: Int }
    private struct PremiseSum: Decodable { var check_id: UUID; var premise: Int; var n: Int; var total: Int? }
    private struct CheckCount: Decodable { var check_id: UUID; var n: Int }
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
            freeTags: overview.freeTags.map { cell($0.key == LearningOverview.otherFreeKey ? req.t("olearn.learning.free_other") : $0.key, $0.counts) },
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
        let overviews = try await LearningOverview.loadMany(officeIDs: offices.map { try $0.requireID() }, now: now, on: db)
        for office in offices {
            guard let overview = overviews[try office.requireID()] else { continue }
            rows.append((office, overview.headline))
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
