import Fluent
import LeafKit
import SQLKit
import Vapor

/// The leader's quality page: per criterion, the share met on time over a period, for the office
/// and per counselor. One grouped query over the stored criteria state; no pathway is evaluated here.
struct QualityController {
    /// Counts of decided obligations (deadline inside the period) per criterion and counselor.
    struct Tally: Sendable {
        var model_key: String
        var method_model_id: UUID
        var criterion_id: String
        var counselor_id: UUID
        var met: Int
        var met_late: Int
        var overdue: Int

        /// Column by column: a decoder per row was a twentieth of the page's CPU.
        init(_ row: any SQLRow) throws {
            model_key = try row.decode(column: "model_key", as: String.self)
            method_model_id = try row.uuid("method_model_id")
            criterion_id = try row.decode(column: "criterion_id", as: String.self)
            counselor_id = try row.uuid("counselor_id")
            met = try row.decode(column: "met", as: Int.self)
            met_late = try row.decode(column: "met_late", as: Int.self)
            overdue = try row.decode(column: "overdue", as: Int.self)
        }
    }

    static func tallies(officeID: UUID, from: Date, to: Date, now: Date, on sql: any SQLDatabase) async throws -> [Tally] {
        try await sql.raw(talliesQuery(officeID: officeID, from: from, to: to, now: now)).all().map(Tally.init)
    }

    /// Every obligation whose deadline fell in the period and has passed: each placement, each
    /// extension counts, not only a pathway's latest. The office's obligations in the period are one
    /// run of an index that holds the copies of their pathway's counselor and method model (M0018);
    /// no pathway is read.
    static func talliesQuery(officeID: UUID, from: Date, to: Date, now: Date) -> SQLQueryString {
        """
            SELECT m.key AS model_key, po.method_model_id, po.criterion_id, po.counselor_id,
                   SUM(CASE WHEN po.state = \(bind: CriterionState.met.rawValue) THEN 1 ELSE 0 END) AS met,
                   SUM(CASE WHEN po.state = \(bind: CriterionState.metLate.rawValue) THEN 1 ELSE 0 END) AS met_late,
                   SUM(CASE WHEN po.state IN (\(bind: CriterionState.overdue.rawValue), \(bind: CriterionState.due.rawValue)) THEN 1 ELSE 0 END) AS overdue
            FROM pathway_criterion_obligations po
            JOIN method_models m ON m.id = po.method_model_id
            WHERE po.office_id = \(bind: officeID) AND po.deadline IS NOT NULL
              AND po.deadline > \(bind: from) AND po.deadline <= \(bind: to) AND po.deadline <= \(bind: now)
              AND po.state IN (\(bind: CriterionState.met.rawValue), \(bind: CriterionState.metLate.rawValue), \(bind: CriterionState.overdue.rawValue), \(bind: CriterionState.due.rawValue))
            GROUP BY m.key, po.method_model_id, po.criterion_id, po.counselor_id
            """
    }

    /// One criterion: the office's share, then each counselor's, in the order of the header. The
    /// rows go to the page as one `#qualityRows` tag, handed to Leaf as built (`leafData`): a
    /// national office's page has about 20 criteria times 20 counselors, and a loop with an
    /// expression per cell was most of Leaf's work on it.
    struct Row: Encodable, Sendable, LeafDataRepresentable {
        var id: String
        var text: String
        var cells: [TableCell]

        var leafData: LeafData {
            .dictionary(["id": .string(id), "text": .string(text), "cells": .array(cells.map(\.leafData))])
        }
    }

    struct ModelTable: Encodable, Sendable {
        var name: String
        var rows: [Row]
    }

    struct View: Encodable, Sendable {
        var from: String
        var to: String
        var counselors: [String]
        var tables: [ModelTable]
        var errors: FormErrors
    }

    /// A counselor as the page names them.
    struct Counselor: Sendable {
        var id: UUID
        var displayName: String
    }

    /// The names alone: decoding whole users (password hash, login state, settings, …) was a twentieth of the page's CPU.
    static func counselors(_ ids: [UUID], on sql: any SQLDatabase) async throws -> [Counselor] {
        guard !ids.isEmpty else { return [] }
        return try await sql.raw("SELECT id, display_name FROM \(ident: User.schema) WHERE id IN (\(binds: ids))").all().map { row in
            Counselor(id: try row.uuid("id"), displayName: try row.decode(column: "display_name", as: String.self))
        }
    }

    /// "met/total (percent %)", or a dash where nothing was decided.
    static func cell(_ met: Int, _ total: Int) -> TableCell {
        guard total > 0 else { return TableCell(text: "–", nowrap: true) }
        let percent = Int((Double(met) * 100 / Double(total)).rounded())
        return TableCell(text: "\(met)/\(total) (\(percent) %)", nowrap: true)
    }

    func show(req: Request) async throws -> Response {
        let principal = try req.requirePrincipal()
        guard let officeID = principal.officeID else { throw Abort(.notFound) }
        let now = req.now
        var errors = FormErrors()
        let toText = (try? req.query.get(String.self, at: "til")) ?? DisplayDate.dayInput(now)
        let fromText = (try? req.query.get(String.self, at: "fra")) ?? DisplayDate.dayInput(RuleDuration(90, .day).earliest(before: now))
        var from = DisplayDate.parseDay(fromText)
        var to = DisplayDate.parseDay(toText).map { RuleDuration(0, .day).deadline(after: $0) }
        if from == nil { errors.add("fra", req.t("pathway.error.date_invalid")) }
        if to == nil { errors.add("til", req.t("pathway.error.date_invalid")) }
        if let f = from, let t = to, f >= t { errors.add("til", req.t("quality.error.period")) }
        if !errors.isEmpty { from = nil; to = nil }
        let tallies = try await (from != nil && to != nil) ? Self.tallies(officeID: officeID, from: from!, to: to!, now: now, on: req.readDB) : []

        let counselorIDs = Array(Set(tallies.map(\.counselor_id)))
        let counselors = NorwegianOrder.sorted(try await Self.counselors(counselorIDs, on: req.readDB), by: \.displayName, then: \.id.uuidString)
        var tables: [ModelTable] = []
        for (key, group) in Dictionary(grouping: tallies, by: \.model_key).sorted(by: { $0.key < $1.key }) {
            // The texts come from the newest version seen in the period.
            var model: MethodModel?
            for recordID in Set(group.map(\.method_model_id)) {
                if let candidate = try await req.samskap.methodModels.model(id: recordID, on: req.db) {
                    if model == nil || candidate.version > model!.version { model = candidate }
                }
            }
            let byCriterion = Dictionary(grouping: group, by: \.criterion_id)
            // The newest version's order; criteria only older versions had come after, not lost.
            let known = model?.criteria.map(\.id) ?? []
            let order = known + byCriterion.keys.filter { !known.contains($0) }.sorted()
            let rows = order.compactMap { id -> Row? in
                guard let items = byCriterion[id] else { return nil }
                let met = items.reduce(0) { $0 + $1.met }
                let total = items.reduce(0) { $0 + $1.met + $1.met_late + $1.overdue }
                let perCounselor = counselors.map { user in
                    let mine = items.filter { $0.counselor_id == user.id }
                    return Self.cell(mine.reduce(0) { $0 + $1.met }, mine.reduce(0) { $0 + $1.met + $1.met_late + $1.overdue })
                }
                return Row(id: id, text: model?.criterion(id)?.text ?? id, cells: [Self.cell(met, total)] + perCounselor)
            }
            tables.append(ModelTable(name: model?.name ?? key, rows: rows))
        }
        try await req.audit(AuditEvent(.qualityRead, objectType: AuditObjectType.office, objectID: officeID.uuidString, officeID: officeID, detail: "\(fromText)–\(toText)"))
        let view = View(from: fromText, to: toText, counselors: counselors.map(\.displayName), tables: tables, errors: errors)
        return try await req.render("quality/index", titleKey: "quality.title", view, status: errors.isEmpty ? .ok : .unprocessableEntity)
    }
}
