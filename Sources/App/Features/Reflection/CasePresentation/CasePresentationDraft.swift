import Foundation

/// What a case presentation is generated from: the pathway's facts as read from the database
/// (`CaseSource.load`), with no request or database in it.
struct CaseSource: Sendable {
    struct Event: Sendable {
        var type: PathwayEventType
        var occurredAt: Date
        var note: String?
    }

    struct AgreementLine: Sendable {
        var type: AgreementType
        var status: AgreementStatus
    }

    struct Goal: Sendable {
        var title: String
        var status: TrainingGoalStatus
    }

    struct Note: Sendable {
        /// "Kontakt", "Hendelse: …", "Møtereferat: …", already in words.
        var label: String
        var at: Date
        var text: String
    }

    struct Criterion: Sendable {
        var text: String
        var state: CriterionState
    }

    var nationalID: String
    var innsatsgruppe: Innsatsgruppe
    var strengths: String?
    var challenges: String?
    var supportNeeds: String?
    var referralDate: Date
    /// The method model's name for the current step.
    var stepName: String
    /// Not withdrawn.
    var events: [Event]
    var agreements: [AgreementLine]
    var mentorLinked: Bool
    var mentorHundredthHours: Int
    var goals: [Goal]
    /// Contact notes, event notes and meeting minutes, any order.
    var notes: [Note]
    /// The pathway's machine-checked criteria with their stored state.
    var criteria: [Criterion]
    var identifiers: Pseudonymiser.Identifiers
}

/// A generated case presentation before it is stored: facts that identify no one, and four texts
/// cleaned by the `Pseudonymiser` for the author to read and edit. Pure.
struct CasePresentationDraft: Sendable, Equatable {
    var ageBand: String
    var innsatsgruppe: String
    var step: String
    var durationWeeks: Int
    var challenges: String
    var tried: String
    var criteria: String
    var question: String
    /// The kinds of identifier the generator replaced, for the plain explanation.
    var removed: [Pseudonymiser.Kind]

    /// How many of the latest notes of each sort are taken along, and how long each may be.
    static let latestNotes = 3
    static let maxNoteLength = 500

    /// Age bands, youngest first; the label is shown as it is.
    static func ageBand(age: Int) -> String {
        switch age {
        case ..<20: "under 20"
        case 20...24: "20–24"
        case 25...29: "25–29"
        case 30...39: "30–39"
        case 40...49: "40–49"
        case 50...59: "50–59"
        default: "60 eller eldre"
        }
    }

    /// The age at `now` from the birth date in a fødselsnummer or D-number; nil when it cannot be read.
    static func age(nationalID: String, now: Date) -> Int? {
        guard let id = try? NationalID(nationalID, allowSynthetic: true), let born = RuleDuration.calendar.date(from: id.birthDate) else { return nil }
        return RuleDuration.calendar.dateComponents([.year], from: born, to: now).year
    }

    /// Whole weeks since the referral.
    static func weeks(from referral: Date, to now: Date) -> Int {
        max(0, Int((now.timeIntervalSince(referral) / 86_400).rounded(.down)) / 7)
    }

    /// Builds the draft. `t` looks up a string (the author's language).
    static func build(pathway source: CaseSource, now: Date, t: (String, [String]) -> String) -> CasePresentationDraft {
        let cleaner = Pseudonymiser(source.identifiers)
        var removed = Set<Pseudonymiser.Kind>()
        func clean(_ text: String) -> String {
            removed.formUnion(cleaner.findings(in: text))
            return cleaner.pseudonymise(text)
        }
        func trimmed(_ text: String?) -> String? {
            guard let value = text?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else { return nil }
            return value
        }
        /// Cut after cleaning, so a name at the cut is replaced whole rather than left half.
        func short(_ text: String) -> String {
            text.count > maxNoteLength ? String(text.prefix(maxNoteLength)) + "…" : text
        }

        // Strengths first (seed 002: strengths and possibilities before limitations).
        var challengeParts: [String] = []
        if let strengths = trimmed(source.strengths) { challengeParts.append(t("casepres.gen.strengths", [clean(strengths)])) }
        if let challenges = trimmed(source.challenges) { challengeParts.append(t("casepres.gen.challenges", [clean(challenges)])) }
        if let needs = trimmed(source.supportNeeds) { challengeParts.append(t("casepres.gen.support_needs", [clean(needs)])) }

        // What was tried: a short list of facts, no employer names.
        var tried: [String] = []
        var eventCounts: [PathwayEventType: Int] = [:]
        for event in source.events where event.type != .stepChanged && event.type != .pathwayClosed {
            eventCounts[event.type, default: 0] += 1
        }
        if !eventCounts.isEmpty {
            let order = PathwayEventType.allCases
            let list = eventCounts.sorted { order.firstIndex(of: $0.key)! < order.firstIndex(of: $1.key)! }
                .map { "\(t($0.key.labelKey, [])) (\($0.value))" }.joined(separator: ", ")
            tried.append(t("casepres.gen.events", [list]))
        }
        if source.agreements.isEmpty {
            tried.append(t("casepres.gen.no_agreements", []))
        } else {
            let list = source.agreements.map { "\(t($0.type.labelKey, [])) – \(t($0.status.labelKey, []).lowercased())" }.joined(separator: "; ")
            tried.append(t("casepres.gen.agreements", [list]))
        }
        tried.append(t(source.mentorLinked ? "casepres.gen.mentor_linked" : "casepres.gen.no_mentor", []))
        if source.mentorHundredthHours > 0 {
            tried.append(t("casepres.gen.mentor_hours", [Self.hours(source.mentorHundredthHours)]))
        }
        if !source.goals.isEmpty {
            let byStatus = Dictionary(grouping: source.goals, by: \.status)
            let list = TrainingGoalStatus.allCases.compactMap { status -> String? in
                guard let goals = byStatus[status], !goals.isEmpty else { return nil }
                return "\(t(status.labelKey, [])): " + goals.map { clean($0.title) }.joined(separator: "; ")
            }.joined(separator: ". ")
            tried.append(t("casepres.gen.goals", [list]))
        }
        var tryText = tried.map { "– \($0)" }.joined(separator: "\n")
        let latest = source.notes.sorted { $0.at > $1.at }
        var picked: [CaseSource.Note] = []
        var perLabel: [String: Int] = [:]
        for note in latest {
            let sort = note.label.split(separator: ":").first.map(String.init) ?? note.label
            guard perLabel[sort, default: 0] < latestNotes, trimmed(note.text) != nil else { continue }
            perLabel[sort, default: 0] += 1
            picked.append(note)
        }
        if !picked.isEmpty {
            tryText += "\n\n" + t("casepres.gen.latest_notes", []) + "\n"
                + picked.map { "– \($0.label): \(short(clean($0.text.trimmingCharacters(in: .whitespacesAndNewlines))))" }.joined(separator: "\n")
        }

        // What the quality criteria show.
        var met: [String] = [], open: [String] = [], overdue: [String] = []
        for criterion in source.criteria {
            switch criterion.state {
            case .met, .metLate: met.append(criterion.text)
            case .due: open.append(criterion.text)
            case .overdue: overdue.append(criterion.text)
            case .notApplicable: continue
            }
        }
        var criteriaParts: [String] = []
        if source.criteria.allSatisfy({ $0.state == .notApplicable }) {
            criteriaParts.append(t("casepres.gen.criteria_none", []))
        } else {
            criteriaParts.append(t("casepres.gen.criteria_counts", [String(met.count), String(open.count), String(overdue.count)]))
            for (key, list) in [("casepres.gen.criteria_overdue", overdue), ("casepres.gen.criteria_open", open), ("casepres.gen.criteria_met", met)] where !list.isEmpty {
                criteriaParts.append(t(key, []) + "\n" + list.map { "– \(clean($0))" }.joined(separator: "\n"))
            }
        }

        let age = Self.age(nationalID: source.nationalID, now: now)
        return CasePresentationDraft(
            ageBand: age.map(Self.ageBand) ?? t("casepres.gen.age_unknown", []),
            innsatsgruppe: t(source.innsatsgruppe.labelKey, []),
            step: source.stepName,
            durationWeeks: Self.weeks(from: source.referralDate, to: now),
            challenges: challengeParts.isEmpty ? t("casepres.gen.nothing_recorded", []) : challengeParts.joined(separator: "\n\n"),
            tried: tryText,
            criteria: criteriaParts.joined(separator: "\n\n"),
            question: "",
            removed: removed.sorted()
        )
    }

    /// "12,5" from 1250 hundredths.
    static func hours(_ hundredths: Int) -> String {
        let whole = hundredths / 100, rest = hundredths % 100
        if rest == 0 { return String(whole) }
        return rest % 10 == 0 ? "\(whole),\(rest / 10)" : String(format: "%d,%02d", whole, rest)
    }
}
