import FluentKit
import Foundation
import SQLKit

/// The quick filters of a portfolio. Each is one SQL predicate, used both for its count and for
/// its list, so a count always equals the length of its list.
enum PortfolioFilter: Hashable, Sendable {
    case all, hybrid, needsAction, noRecentContact, new
    case innsatsgruppe(Innsatsgruppe)
    case benefit(MainBenefit)

    static let recentDays = 30

    /// Every filter, in the order the page shows them.
    static let allCases: [PortfolioFilter] =
        [.all, .hybrid, .needsAction, .noRecentContact, .new]
            + Innsatsgruppe.allCases.map(PortfolioFilter.innsatsgruppe)
            + MainBenefit.allCases.map(PortfolioFilter.benefit)

    /// The value in `?filter=`, stable for links and the API.
    var raw: String {
        switch self {
        case .all: "alle"
        case .hybrid: "hybrid"
        case .needsAction: "trenger-handling"
        case .noRecentContact: "ingen-kontakt"
        case .new: "nye"
        case let .innsatsgruppe(group): "innsats-\(group.rawValue)"
        case let .benefit(benefit): "ytelse-\(benefit.rawValue)"
        }
    }

    init?(raw: String) {
        guard let match = Self.allCases.first(where: { $0.raw == raw }) else { return nil }
        self = match
    }

    var labelKey: String {
        switch self {
        case .all: "portfolio.filter.all"
        case .hybrid: "portfolio.filter.hybrid"
        case .needsAction: "portfolio.filter.needs_action"
        case .noRecentContact: "portfolio.filter.no_contact"
        case .new: "portfolio.filter.new"
        case let .innsatsgruppe(group): group.labelKey
        case let .benefit(benefit): benefit.labelKey
        }
    }

    /// Column name in the counts query. Worked out once: Foundation's `replacingOccurrences` for
    /// every filter of every request was 3.6 % of the server's CPU on the portfolio.
    var countColumn: String { Self.countColumns[self]! } // every filter is one of `allCases`
    private static let countColumns: [PortfolioFilter: String] = Dictionary(
        uniqueKeysWithValues: allCases.map { ($0, "n_" + $0.raw.replacingOccurrences(of: "-", with: "_")) }
    )

    /// The predicate on `c` (candidates) at `now`.
    func predicate(now: Date) -> SQLQueryString {
        let since = now.addingTimeInterval(-Double(Self.recentDays) * 86_400)
        switch self {
        case .all: return "1 = 1"
        case .hybrid: return "c.is_hybrid = \(bind: true)"
        case .needsAction:
            // An open action item that is due, an open alert that is not snoozed, or an overdue
            // quality criterion in an active pathway (a paused one has been put on hold on purpose;
            // its misses still count on the quality page): kept on the candidate, see `NeedsAction`.
            return NeedsAction.predicate(now: now)
        case .noRecentContact: return "(c.last_contact_at IS NULL OR c.last_contact_at < \(bind: since))"
        case .new: return "c.created_at >= \(bind: since)"
        case let .innsatsgruppe(group): return "c.innsatsgruppe = \(bind: group.rawValue)"
        case let .benefit(benefit): return "c.main_benefit = \(bind: benefit.rawValue)"
        }
    }
}

enum PortfolioSort: String, CaseIterable, Sendable {
    case name = "navn"
    case lastContact = "sist-kontakt"
    case nextMeeting = "neste-mote"

    /// Never contacted comes first under "last contact" (they need it most); no meeting comes last.
    var orderBy: SQLQueryString {
        switch self {
        case .name: "LOWER(c.last_name), LOWER(c.first_name), c.id"
        case .lastContact: "CASE WHEN c.last_contact_at IS NULL THEN 0 ELSE 1 END, c.last_contact_at, LOWER(c.last_name), c.id"
        case .nextMeeting: "CASE WHEN c.next_meeting_at IS NULL THEN 1 ELSE 0 END, c.next_meeting_at, LOWER(c.last_name), c.id"
        }
    }

    var labelKey: String { "portfolio.sort.\(rawValue)" }
}

/// One counselor's portfolio, filtered, searched, sorted and paged — in SQL, never in memory.
struct PortfolioQuery: Sendable {
    static let pageSize = 50

    var counselorID: UUID
    /// Only candidates at this office: a counselor who moved keeps no view of the old office's candidates.
    var officeID: UUID
    var filter: PortfolioFilter = .all
    /// Name search, case- and accent-insensitive (æøå written as ae/o/a also match).
    var search: String = ""
    var sort: PortfolioSort = .name
    /// 1-based.
    var page: Int = 1
    var now: Date

    struct Row: Decodable, Sendable {
        var id: UUID
        var fnr: String
        var first_name: String
        var last_name: String
        var municipality: String?
        var innsatsgruppe: String
        var main_benefit: String
        var is_hybrid: Bool
        var hybrid_since: Date?
        var last_contact_at: Date?
        var next_meeting_at: Date?
        var created_at: Date
        var needs_action: Int
    }

    /// Column by column: the decoder's keyed containers cost more than the values (a profile of the
    /// portfolio: 10 % of the server's CPU for 50 rows). The id is parsed by hand and the columns
    /// that may be NULL are asked for as plain values (`optional`): Foundation's UUID parser
    /// (`sscanf`) and SQLiteKit's decoder for optionals were another 4 %.
    private static func row(_ row: any SQLRow) throws -> Row {
        Row(
            id: try row.uuid("id"),
            fnr: try row.decode(column: "fnr", as: String.self),
            first_name: try row.decode(column: "first_name", as: String.self),
            last_name: try row.decode(column: "last_name", as: String.self),
            municipality: try row.optional("municipality", as: String.self),
            innsatsgruppe: try row.decode(column: "innsatsgruppe", as: String.self),
            main_benefit: try row.decode(column: "main_benefit", as: String.self),
            is_hybrid: try row.decode(column: "is_hybrid", as: Bool.self),
            hybrid_since: try row.optional("hybrid_since", as: Date.self),
            last_contact_at: try row.optional("last_contact_at", as: Date.self),
            next_meeting_at: try row.optional("next_meeting_at", as: Date.self),
            created_at: try row.decode(column: "created_at", as: Date.self),
            needs_action: try row.decode(column: "needs_action", as: Int.self)
        )
    }

    private var base: SQLQueryString {
        var where_: SQLQueryString = "c.counselor_id = \(bind: counselorID) AND c.office_id = \(bind: officeID)"
        let needle = search.trimmingCharacters(in: .whitespacesAndNewlines)
        if !needle.isEmpty {
            where_ += " AND \(SearchText.contains("c.search_key", String(needle.prefix(100)), folded: true))"
        }
        return where_
    }

    /// The counts and the page's rows in one statement, so both come from one snapshot of the database
    /// (a change committed meanwhile cannot make a count differ from its list) and the database is asked
    /// once.
    ///
    /// `base` is the counselor's candidates (searched): `k` counts every filter over them, and the page
    /// is joined to that single row of counts, so an empty page still brings the counts (as one row
    /// whose candidate columns are NULL). Each side reads `base` from the index itself: as one common
    /// table expression, SQLite first copied the 100 candidates with all their columns into a table of
    /// its own, and the statement took a fifth longer (1.12 against 0.90 ms with its output, in the
    /// sqlite3 shell on the county file).
    func load(on sql: any SQLDatabase) async throws -> (counts: [PortfolioFilter: Int], rows: [Row]) {
        let offset = (max(page, 1) - 1) * Self.pageSize
        // `COUNT(*) FILTER (WHERE …)` rather than `COALESCE(SUM(CASE WHEN … THEN 1 ELSE 0 END), 0)`:
        // the same counts (0 over no rows) in a shorter statement. SQLite runs the sixteen counts alone
        // in three quarters of the time (0.29 → 0.22 ms, county file), though the whole statement's
        // time did not measurably change. PostgreSQL has had the clause since 9.4.
        let countColumns = PortfolioFilter.allCases.map { filter -> SQLQueryString in
            "COUNT(*) FILTER (WHERE \(filter.predicate(now: now))) AS \(ident: filter.countColumn)"
        }
        let query: SQLQueryString = """
            SELECT k.*, c.*
            FROM (
                SELECT \(countColumns.joined(separator: ", ")) FROM candidates c WHERE \(base)
            ) k LEFT JOIN (
                SELECT c.id, c.fnr, c.first_name, c.last_name, c.municipality, c.innsatsgruppe, c.main_benefit, c.is_hybrid,
                       c.hybrid_since, c.last_contact_at, c.next_meeting_at, c.created_at,
                       CASE WHEN \(PortfolioFilter.needsAction.predicate(now: now)) THEN 1 ELSE 0 END AS needs_action
                FROM candidates c
                WHERE \(base) AND \(filter.predicate(now: now))
                ORDER BY \(sort.orderBy)
                LIMIT \(literal: Self.pageSize) OFFSET \(literal: offset)
            ) c ON 1 = 1
            ORDER BY \(sort.orderBy)
            """
        let result = try await sql.raw(query).all()
        guard let first = result.first else { return ([:], []) }
        var counts: [PortfolioFilter: Int] = [:]
        for filter in PortfolioFilter.allCases {
            counts[filter] = try first.decode(column: filter.countColumn, as: Int.self)
        }
        var rows: [Row] = []
        rows.reserveCapacity(result.count)
        for row in result where try !row.decodeNil(column: "id") {
            rows.append(try Self.row(row))
        }
        return (counts, rows)
    }
}
