import Fluent
import LeafKit
import SQLKit
import Vapor

/// "Min portefølje": the counselor's home. Also the leader's reasoned look at one counselor's portfolio.
struct PortfolioController {
    /// Columns a user may show or hide. The name is always shown.
    enum Column: String, CaseIterable, Sendable {
        case fnr, innsatsgruppe, ytelse, kommune, sistKontakt = "sist-kontakt", nesteMote = "neste-mote", registrert

        static let defaults: [Column] = [.fnr, .innsatsgruppe, .ytelse, .sistKontakt, .nesteMote]
        var labelKey: String { "portfolio.column.\(rawValue)" }
        /// The name templates use (no hyphens).
        var key: String { String(describing: self) }

        static func parse(_ stored: String?) -> [Column] {
            guard let stored else { return defaults }
            return stored.split(separator: ",").compactMap { Column(rawValue: String($0)) }
        }
    }

    struct FilterLink: Encodable, Sendable {
        var href: String
        var label: String
        var count: Int
        var current: Bool
    }

    struct ColumnOption: Encodable, Sendable {
        var value: String
        var label: String
        var shown: Bool
    }

    struct SortLink: Encodable, Sendable {
        var href: String
        var label: String
        var current: Bool
    }

    /// One candidate's row. Handed to Leaf as built here (`LeafDataRepresentable`): through Leaf's
    /// encoder, a keyed container per value, the 50 rows with their cells were 13 % of the page's CPU.
    struct Row: Encodable, Sendable, LeafDataRepresentable {
        var href: String
        var name: String
        /// The shown columns' cells, in the order of `Column.allCases` (the table's headings).
        var cells: [TableCell]
        var hybrid: Bool
        var needsAction: Bool

        var leafData: LeafData {
            .dictionary(["href": .string(href), "name": .string(name), "cells": .array(cells.map(\.leafData)),
                         "hybrid": .bool(hybrid), "needsAction": .bool(needsAction)])
        }
    }

    struct PortfolioView: Encodable, Sendable {
        var heading: String
        /// Set when a leader looks at a colleague's portfolio.
        var ownerName: String?
        var isOwn: Bool
        var search: String
        var filterValue: String
        var sortValue: String
        /// The quick filters, the innsatsgruppe filters and the benefit filters: three lists, so that
        /// the template need not compare each filter's group three times (a comparison in `#if` goes
        /// through Leaf's table of converters).
        var mainFilters: [FilterLink]
        var innsatsFilters: [FilterLink]
        var benefitFilters: [FilterLink]
        var sorts: [SortLink]
        var columns: [ColumnOption]
        var shown: [String: Bool]
        var rows: [Row]
        var total: Int
        var page: Int
        var pageCount: Int
        var previousHref: String?
        var nextHref: String?
        var searchNotice: String?
        var requests: [AccessRequestRow]
        var myRequests: [MyRequestRow]
    }

    struct AccessRequestRow: Encodable, Sendable {
        var candidateHref: String
        var candidateName: String
        var requester: String
        var requesterOffice: String
        var reason: String
        var createdAt: String
    }

    struct MyRequestRow: Encodable, Sendable {
        var createdAt: String
        var status: String
        var href: String?
    }

    // MARK: - Own portfolio

    func show(req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        var notice: String?
        var search = (try? req.query.get(String.self, at: "q")) ?? ""
        if search.contains(where: \.isNumber) {
            // A national ID number must not travel in a URL; the search form posts it instead.
            search = ""
            notice = req.t("portfolio.error.digits")
        }
        let query = try parse(req, counselorID: principal.userID, search: search)
        let columns = try await PortfolioRequestReads.columns(userID: principal.userID, on: req.readDB)
        try await req.audit(AuditEvent(.portfolioRead, objectType: AuditObjectType.user, objectID: principal.userID.uuidString, officeID: principal.officeID, detail: query.search.isEmpty ? "filter: \(query.filter.raw)" : "filter: \(query.filter.raw); søk: \(query.search.prefix(100))"))
        let view = try await build(req, query: query, columns: Column.parse(columns), heading: req.t("portfolio.heading"), ownerName: nil, basePath: "/portefolje", notice: notice)
        return try await req.render("portfolio/index", titleKey: "portfolio.title", view)
    }

    struct SearchForm: Content {
        var q: String?
    }

    /// One search box: a name goes to the portfolio list (in the URL); an 11-digit number is looked up
    /// here, in the request body, and never put in a URL.
    func search(req: Request) async throws -> Response {
        let form = try req.content.decode(SearchForm.self)
        let text = (form.q ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard text.contains(where: \.isNumber) else {
            var components = URLComponents()
            components.path = "/portefolje"
            if !text.isEmpty { components.queryItems = [URLQueryItem(name: "q", value: String(text.prefix(100)))] }
            return req.redirect(to: components.string ?? "/portefolje", redirectType: .normal)
        }
        let fnr: NationalID
        do {
            fnr = try NationalID(text, allowSynthetic: req.samskap.config.allowSyntheticIDs)
        } catch {
            return try await renderWithNotice(req, req.t(error.messageKey))
        }
        guard let candidate = try await Candidate.query(on: req.db).filter(\.$fnr == fnr.value).first() else {
            return try await renderWithNotice(req, req.t("portfolio.fnr_not_found"))
        }
        let principal = try req.requirePrincipal()
        if candidate.$office.id != principal.officeID {
            // Registered at another office: offer an access request, tell nothing more.
            try await req.audit(.candidate(.candidateDuplicate, candidate, detail: "søk på fødselsnummer traff kandidat ved annet kontor", outcome: .denied))
            return try await CandidateController().renderExists(req, fnr: fnr.value, sameOfficeID: nil)
        }
        return req.redirect(to: "/kandidater/\(try candidate.requireID())", redirectType: .normal)
    }

    private func renderWithNotice(_ req: Request, _ notice: String) async throws -> Response {
        let principal = try req.requirePrincipal()
        let columns = try await PortfolioRequestReads.columns(userID: principal.userID, on: req.readDB)
        let query = PortfolioQuery(counselorID: principal.userID, officeID: try Self.office(of: principal), now: req.now)
        let view = try await build(req, query: query, columns: Column.parse(columns), heading: req.t("portfolio.heading"), ownerName: nil, basePath: "/portefolje", notice: notice)
        return try await req.render("portfolio/index", titleKey: "portfolio.title", view, status: .unprocessableEntity)
    }

    struct ColumnsForm: Content {
        var columns: [String]?
    }

    func saveColumns(req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        let form = try req.content.decode(ColumnsForm.self)
        let chosen = Column.allCases.filter { (form.columns ?? []).contains($0.rawValue) }
        let stored = chosen.map(\.rawValue).joined(separator: ",")
        try await req.write { db, audit in
            try await User.query(on: db).set(\.$portfolioColumns, to: stored).filter(\.$id == principal.userID).update()
            audit.record(AuditEvent(.userPreferencesChanged, objectType: AuditObjectType.user, objectID: principal.userID.uuidString, officeID: principal.officeID, detail: "porteføljekolonner: \(stored)"))
        }
        return req.redirect(to: "/portefolje?melding=\(Flash.saved.rawValue)", redirectType: .normal)
    }

    // MARK: - Building the page

    /// The office whose candidates a portfolio shows: the viewer's own.
    static func office(of principal: Principal) throws -> UUID {
        guard let officeID = principal.officeID else { throw ProblemError(.forbidden, key: "candidate.error.no_office") }
        return officeID
    }

    func parse(_ req: Request, counselorID: UUID, search: String) throws -> PortfolioQuery {
        var query = PortfolioQuery(counselorID: counselorID, officeID: try Self.office(of: req.requirePrincipal()), now: req.now)
        if let raw = try? req.query.get(String.self, at: "filter") {
            guard let filter = PortfolioFilter(raw: raw) else { throw ProblemError.validation([.init("filter", "portfolio.error.filter")]) }
            query.filter = filter
        }
        if let raw = try? req.query.get(String.self, at: "sort") {
            guard let sort = PortfolioSort(rawValue: raw) else { throw ProblemError.validation([.init("sort", "portfolio.error.sort")]) }
            query.sort = sort
        }
        if let raw = try? req.query.get(String.self, at: "side") {
            guard let page = Int(raw), (1...100_000).contains(page) else { throw ProblemError.validation([.init("side", "portfolio.error.page")]) }
            query.page = page
        }
        query.search = String(search.trimmingCharacters(in: .whitespacesAndNewlines).prefix(100))
        return query
    }

    func build(_ req: Request, query: PortfolioQuery, columns: [Column], heading: String, ownerName: String?, basePath: String, notice: String?) async throws -> PortfolioView {
        let (counts, rows) = try await query.load(on: req.readDB)
        let total = counts[query.filter] ?? 0
        let pageCount = max(1, (total + PortfolioQuery.pageSize - 1) / PortfolioQuery.pageSize)

        func href(filter: PortfolioFilter? = nil, sort: PortfolioSort? = nil, page: Int? = nil) -> String {
            var items: [URLQueryItem] = []
            let f = filter ?? query.filter, s = sort ?? query.sort
            if f != .all { items.append(.init(name: "filter", value: f.raw)) }
            if s != .name { items.append(.init(name: "sort", value: s.rawValue)) }
            if !query.search.isEmpty { items.append(.init(name: "q", value: query.search)) }
            if let page, page > 1 { items.append(.init(name: "side", value: String(page))) }
            var components = URLComponents()
            components.path = basePath
            components.queryItems = items.isEmpty ? nil : items
            return components.string ?? basePath
        }

        var mainFilters: [FilterLink] = [], innsatsFilters: [FilterLink] = [], benefitFilters: [FilterLink] = []
        for filter in PortfolioFilter.allCases {
            let link = FilterLink(href: href(filter: filter), label: req.t(filter.labelKey), count: counts[filter] ?? 0, current: filter == query.filter)
            switch filter {
            case .innsatsgruppe: innsatsFilters.append(link)
            case .benefit: benefitFilters.append(link)
            default: mainFilters.append(link)
            }
        }
        let shownSet = Set(columns)
        let principal = try req.requirePrincipal()
        let isOwn = query.counselorID == principal.userID
        return PortfolioView(
            heading: heading, ownerName: ownerName, isOwn: isOwn, search: query.search, filterValue: query.filter.raw, sortValue: query.sort.rawValue,
            mainFilters: mainFilters, innsatsFilters: innsatsFilters, benefitFilters: benefitFilters,
            sorts: PortfolioSort.allCases.map { SortLink(href: href(sort: $0), label: req.t($0.labelKey), current: $0 == query.sort) },
            columns: Column.allCases.map { ColumnOption(value: $0.rawValue, label: req.t($0.labelKey), shown: shownSet.contains($0)) },
            shown: Dictionary(uniqueKeysWithValues: Column.allCases.map { ($0.key, shownSet.contains($0)) }),
            rows: rows.map { row in
                Row(
                    href: "/kandidater/\(row.id)", name: "\(row.first_name) \(row.last_name)",
                    cells: Column.allCases.filter(shownSet.contains).map { Self.cell($0, of: row, req) },
                    hybrid: row.is_hybrid, needsAction: row.needs_action == 1
                )
            },
            total: total, page: query.page, pageCount: pageCount,
            previousHref: query.page > 1 ? href(page: query.page - 1) : nil,
            nextHref: query.page < pageCount ? href(page: query.page + 1) : nil,
            searchNotice: notice,
            requests: isOwn ? try await pendingRequests(req, counselorID: query.counselorID) : [],
            myRequests: isOwn ? try await myRequests(req) : []
        )
    }

    /// One column's cell of a candidate's row.
    private static func cell(_ column: Column, of row: PortfolioQuery.Row, _ req: Request) -> TableCell {
        switch column {
        case .fnr: TableCell(text: NationalID.mask(row.fnr), nowrap: true)
        case .innsatsgruppe: TableCell(text: Innsatsgruppe(rawValue: row.innsatsgruppe).map { req.t($0.labelKey) } ?? row.innsatsgruppe)
        case .ytelse: TableCell(text: MainBenefit(rawValue: row.main_benefit).map { req.t($0.labelKey) } ?? row.main_benefit)
        case .kommune: TableCell(text: row.municipality ?? "–")
        case .sistKontakt: TableCell(text: row.last_contact_at.map(DisplayDate.date) ?? req.t("portfolio.never"), nowrap: true)
        case .nesteMote: TableCell(text: row.next_meeting_at.map(DisplayDate.dateTime) ?? "–", nowrap: true)
        case .registrert: TableCell(text: DisplayDate.date(row.created_at), nowrap: true)
        }
    }

    /// Access requests waiting for this counselor's answer.
    private func pendingRequests(_ req: Request, counselorID: UUID) async throws -> [AccessRequestRow] {
        try await PortfolioRequestReads.pending(counselorID: counselorID, officeID: Self.office(of: req.requirePrincipal()), on: req.readDB).map {
            AccessRequestRow(
                candidateHref: "/kandidater/\($0.candidateID)", candidateName: $0.candidateName,
                requester: $0.requester, requesterOffice: $0.requesterOffice ?? "–",
                reason: $0.reason, createdAt: DisplayDate.dateTime($0.createdAt)
            )
        }
    }

    /// The user's own access requests: status only, nothing about the candidate until approved.
    private func myRequests(_ req: Request) async throws -> [MyRequestRow] {
        try await PortfolioRequestReads.mine(requesterID: req.requirePrincipal().userID, on: req.readDB).map {
            let status = !$0.decided ? "waiting" : ($0.approved ? "approved" : "declined")
            return MyRequestRow(
                createdAt: DisplayDate.dateTime($0.createdAt), status: req.t("access_request.status.\(status)"),
                href: status == "approved" ? "/kandidater/\($0.candidateID)" : nil
            )
        }
    }
}
