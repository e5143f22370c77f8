import Fluent
import SQLKit
import Vapor

/// A round's answers summarised per premise: how many answered, the average, the distribution
/// of scores 1–5, and the comments (without names).
struct PremiseRoundSummary: Sendable {
    struct Premise: Sendable {
        var premise: Int
        var answers: Int
        var average: Double?
        /// Index 0 is score 1.
        var distribution: [Int]
        var comments: [String]
    }

    var check: PremiseCheck
    var premises: [Premise]
    var respondents: Int

    static func load(_ check: PremiseCheck, on db: any Database) async throws -> PremiseRoundSummary {
        let answers = try await PremiseAnswer.query(on: db).filter(\.$check.$id == check.requireID()).sort(\.$answeredAt).all()
        let premises = OfficeLearningRules.premises.map { number in
            let mine = answers.filter { $0.premise == number }
            return Premise(premise: number, answers: mine.count, average: OfficeLearningRules.average(mine.map(\.score)),
                           distribution: (1...5).map { score in mine.filter { $0.score == score }.count }, comments: mine.compactMap(\.comment))
        }
        return PremiseRoundSummary(check: check, premises: premises, respondents: Set(answers.map(\.$user.id)).count)
    }

    /// The office's rounds, newest first.
    static func rounds(officeID: UUID, on db: any Database) async throws -> [PremiseCheck] {
        try await PremiseCheck.query(on: db).filter(\.$office.$id == officeID).sort(\.$openedAt, .descending).all()
    }
}

/// Opening, answering and closing self-check rounds. One open round per office at a time.
struct PremiseCheckService: WritingService {
    let app: Application
    let context: AuditContext
    let actorID: UUID
    let now: Date

    func open(officeID: UUID, period: String) async throws -> PremiseCheck {
        let (actorID, now) = (actorID, now)
        return try await app.write(context: context) { db, audit in
            // The office's row serialises openings, so two leaders cannot open two rounds at once.
            try await DatabaseDialect(db).lockRow(Office.schema, id: officeID, on: db)
            if try await PremiseCheck.query(on: db).filter(\.$office.$id == officeID).filter(\.$period == period).first() != nil {
                throw ProblemError.validation([.init("period", "olearn.error.round_exists", period)])
            }
            if try await PremiseCheck.query(on: db).filter(\.$office.$id == officeID).filter(\.$closedAt == nil).first() != nil {
                throw ProblemError(.conflict, key: "olearn.error.round_open")
            }
            let check = PremiseCheck()
            check.$office.id = officeID
            check.period = period
            check.openedAt = now
            check.$openedBy.id = actorID
            try await check.create(on: db)
            audit.record(.premiseCheck(.premiseCheckOpened, check, detail: "periode \(period)"))
            return check
        }
    }

    /// The actor's answers in the office's open round; answering again changes the answer.
    func answer(officeID: UUID, _ answers: [OfficeLearningRules.ValidAnswer]) async throws {
        let (actorID, now) = (actorID, now)
        try await app.write(context: context) { db, audit in
            guard let open = try await PremiseCheck.query(on: db).filter(\.$office.$id == officeID).filter(\.$closedAt == nil).first() else {
                throw ProblemError(.conflict, key: "olearn.error.no_open_round")
            }
            try await DatabaseDialect(db).lockRow(PremiseCheck.schema, id: open.requireID(), on: db)
            guard let check = try await PremiseCheck.find(open.id, on: db), check.closedAt == nil else {
                throw ProblemError(.conflict, key: "olearn.error.no_open_round")
            }
            var changed = 0
            for valid in answers {
                let answer = try await PremiseAnswer.query(on: db).filter(\.$check.$id == check.requireID()).filter(\.$user.$id == actorID)
                    .filter(\.$premise == valid.premise).first() ?? PremiseAnswer()
                if answer.id != nil { changed += 1 }
                answer.$check.id = try check.requireID()
                answer.$user.id = actorID
                answer.premise = valid.premise
                answer.score = valid.score
                answer.comment = valid.comment
                answer.answeredAt = now
                try await answer.save(on: db)
            }
            audit.record(.premiseCheck(.premiseCheckAnswered, check,
                                       detail: "premisser: \(answers.map { String($0.premise) }.joined(separator: ",")); endret: \(changed)"))
        }
    }

    func close(_ checkID: UUID, officeID: UUID) async throws {
        let now = now
        try await app.write(context: context) { db, audit in
            try await DatabaseDialect(db).lockRow(PremiseCheck.schema, id: checkID, on: db)
            guard let check = try await PremiseCheck.find(checkID, on: db), check.$office.id == officeID else { throw Abort(.notFound) }
            if check.closedAt != nil { throw ProblemError(.conflict, key: "olearn.error.round_closed") }
            check.closedAt = now
            try await check.save(on: db)
            let answers = try await PremiseAnswer.query(on: db).filter(\.$check.$id == checkID).count()
            audit.record(.premiseCheck(.premiseCheckClosed, check, detail: "svar: \(answers)"))
        }
    }
}

/// `/kontor/premisser`: the four premises in plain words, each beside the evidence from the data;
/// the open round's form and its answers so far; earlier rounds with averages.
struct PremisePage: MultiFormPage {
    let req: Request
    var failed: (id: String, values: [String: String], errors: FormErrors)?

    init(req: Request) { self.req = req }

    static let scoreWords = (1...5).map { "olearn.score.\($0)" }

    struct Bar: Encodable, Sendable {
        var label: String
        var count: Int
    }

    struct PremiseView: Encodable, Sendable {
        var number: Int
        var title: String
        var text: String
        var evidence: [String]
        var rule: String
        var answers: Int
        var average: String
        var distribution: [Bar]
        var comments: [String]
    }

    struct ScoreOption: Encodable, Sendable {
        var id: String
        var value: Int
        var label: String
        var checked: Bool
    }

    struct AnswerField: Encodable, Sendable {
        var premise: Int
        var title: String
        var name: String
        var options: [ScoreOption]
        var commentName: String
        var commentID: String
        var comment: String
        var error: String?
        var commentError: String?
    }

    struct AnswerForm: Encodable, Sendable {
        var action: String
        var fields: [AnswerField]
        var errors: [FormErrors.Item]
        var hasErrors: Bool
    }

    struct RoundLine: Encodable, Sendable {
        var period: String
        var status: String
        var averages: [String]
        var respondents: Int
        var closeAction: String?
    }

    struct View: Encodable, Sendable {
        var premises: [PremiseView]
        var openPeriod: String?
        var openRespondents: Int
        var answerForm: [AnswerForm]
        var rounds: [RoundLine]
        var isLeader: Bool
        var openForm: [FormView]
        var closeAction: String?
    }

    func render(status: HTTPStatus = .ok) async throws -> Response {
        let principal = try req.requirePrincipal()
        let officeID = try req.requireOfficeID()
        let evidence = try await PremiseEvidence.compute(officeID: officeID, now: req.now, on: req.db as! any SQLDatabase)
        let rounds = try await PremiseRoundSummary.rounds(officeID: officeID, on: req.db)
        let open = rounds.first { $0.closedAt == nil }
        var openSummary: PremiseRoundSummary?
        if let open { openSummary = try await PremiseRoundSummary.load(open, on: req.db) }
        let isLeader = principal.roles.contains(.leder)

        let premises = Self.evidenceLines(evidence, req: req).enumerated().map { index, lines in
            let number = index + 1
            let summary = openSummary?.premises[index]
            return PremiseView(
                number: number, title: req.t("olearn.premise.\(number).title"), text: req.t("olearn.premise.\(number).text"),
                evidence: lines, rule: req.t("olearn.premise.\(number).rule"),
                answers: summary?.answers ?? 0, average: OfficeLearningRules.formatted(summary?.average),
                distribution: (summary?.distribution ?? []).enumerated().map { Bar(label: req.t(Self.scoreWords[$0.offset]), count: $0.element) },
                comments: summary?.comments ?? []
            )
        }

        var answerForm: [AnswerForm] = []
        if let open {
            let mine = try await PremiseAnswer.query(on: req.db).filter(\.$check.$id == open.requireID()).filter(\.$user.$id == principal.userID).all()
            let values = failed?.id == "svar" ? failed?.values : nil
            let errors = failed?.id == "svar" ? failed?.errors ?? .init() : .init()
            let fields = OfficeLearningRules.premises.map { number in
                let stored = mine.first { $0.premise == number }
                let score = values.map { $0["score-\(number)"] ?? "" } ?? stored.map { String($0.score) } ?? ""
                return AnswerField(
                    premise: number, title: req.t("olearn.premise.\(number).title"), name: "score-\(number)",
                    options: (1...5).map { ScoreOption(id: "svar-score-\(number)-\($0)", value: $0, label: "\($0) – \(req.t(Self.scoreWords[$0 - 1]))", checked: score == String($0)) },
                    commentName: "comment-\(number)", commentID: "svar-comment-\(number)",
                    comment: values.map { $0["comment-\(number)"] ?? "" } ?? stored?.comment ?? "",
                    error: errors.byField["score-\(number)"], commentError: errors.byField["comment-\(number)"]
                )
            }
            let items = errors.items.map { item in
                FormErrors.Item(field: item.field.hasPrefix("score-") ? "svar-\(item.field)-1" : item.field.hasPrefix("comment-") ? "svar-\(item.field)" : "svar", message: item.message)
            }
            answerForm = [AnswerForm(action: "/kontor/premisser/svar", fields: fields, errors: items, hasErrors: !items.isEmpty)]
        }

        var roundLines: [RoundLine] = []
        for round in rounds {
            let summary = try await PremiseRoundSummary.load(round, on: req.db)
            roundLines.append(RoundLine(
                period: round.period, status: req.t(round.closedAt == nil ? "olearn.round.open" : "olearn.round.closed"),
                averages: summary.premises.map { OfficeLearningRules.formatted($0.average) }, respondents: summary.respondents,
                closeAction: nil
            ))
        }

        var openForm: [FormView] = []
        if isLeader, open == nil {
            var form = builder("runde", action: "/kontor/premisser/runder", defaults: ["period": OfficeLearningRules.quarterName(req.now)])
            form.add("period", .text, label: "olearn.field.round_period", hint: "olearn.field.round_period_hint", maxLength: 7)
            openForm = [form.build(submit: "olearn.round.open_submit", folded: !rounds.isEmpty, summary: "olearn.round.open_submit")]
        }

        let view = View(
            premises: premises, openPeriod: open?.period, openRespondents: openSummary?.respondents ?? 0, answerForm: answerForm,
            rounds: roundLines, isLeader: isLeader, openForm: openForm,
            closeAction: isLeader ? open.map { "/kontor/premisser/runder/\($0.id!.uuidString)/avslutt" } : nil
        )
        return try await req.render("reflection/office/premises", titleKey: "olearn.premises.title", view, status: status)
    }

    /// The evidence lines per premise, as a counselor reads them.
    static func evidenceLines(_ e: PremiseEvidence, req: Request) -> [[String]] {
        let pct = OfficeLearningRules.percent
        return [
            [req.t("olearn.evidence.p1", String(e.counselorsWithHybrid), String(e.counselors), String(pct(e.counselorsWithHybrid, e.counselors)))],
            [req.t("olearn.evidence.p2", String(e.pathwaysWithMentorAndContact), String(e.activePathways))],
            [req.t("olearn.evidence.p3_sessions", String(e.sessionsHeld), String(e.attendances)),
             req.t("olearn.evidence.p3_counselors", String(e.counselorsAttending), String(e.counselors))],
            [req.t("olearn.evidence.p4", String(e.pathwaysWithResource), String(e.activePathways)),
             req.t("olearn.evidence.p4_split", String(e.pathwaysWithInternal), String(e.pathwaysWithExternal))],
        ]
    }
}

struct PremiseController {
    func show(req: Request) async throws -> Response {
        try await PremisePage(req: req).render()
    }

    func answer(req: Request) async throws -> Response {
        let form = try req.content.decode([String: String].self)
        let officeID = try req.requireOfficeID()
        // Premises left without a score are skipped; a comment alone asks for a score.
        let raw: [(premise: Int?, score: String?, comment: String?)] = OfficeLearningRules.premises.compactMap { number in
            let score = OfficeLearningRules.trimmed(form["score-\(number)"]), comment = OfficeLearningRules.trimmed(form["comment-\(number)"])
            return score == nil && comment == nil ? nil : (number, score, comment)
        }
        let response = try await req.submitForm("svar", values: form, done: "/kontor/premisser?melding=\(Flash.premiseAnswered.rawValue)",
                                                page: { PremisePage(req: req) }) {
            let answers = try OfficeLearningRules.answers(raw) { index, part in
                let number = index < raw.count ? raw[index].premise ?? 1 : 1
                return "\(part == "comment" ? "comment" : "score")-\(number)"
            }
            try await PremiseCheckService(req: req).answer(officeID: officeID, answers)
        }
        return response
    }

    func open(req: Request) async throws -> Response {
        let form = try req.content.decode([String: String].self)
        let officeID = try req.requireOfficeID()
        return try await req.submitForm("runde", values: ["period": form["period"] ?? ""],
                                        done: "/kontor/premisser?melding=\(Flash.premiseCheckOpened.rawValue)", page: { PremisePage(req: req) }) {
            let period = try OfficeLearningRules.quarterPeriod(form["period"])
            do {
                _ = try await PremiseCheckService(req: req).open(officeID: officeID, period: period)
            } catch let problem as ProblemError where problem.fields.isEmpty {
                throw ProblemError(problem.status, key: problem.key, fields: [.init("period", problem.key)])
            }
        }
    }

    func close(req: Request) async throws -> Response {
        let officeID = try req.requireOfficeID()
        guard let id = req.parameters.get("checkID", as: UUID.self), let check = try await PremiseCheck.find(id, on: req.db) else { throw Abort(.notFound) }
        try await req.requireOfficeAccess(check.$office.id, objectType: AuditObjectType.premiseCheck, objectID: id.uuidString)
        try await PremiseCheckService(req: req).close(id, officeID: officeID)
        return req.redirect(to: "/kontor/premisser?melding=\(Flash.saved.rawValue)", redirectType: .normal)
    }
}
