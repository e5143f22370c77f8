import Fluent
import Foundation

/// Suggests employers for a pathway from their job analyses: simple points, each with the reason
/// shown, so the counselor can see why and disagree.
enum JobMatch {
    struct Wishes: Sendable {
        var industries: [Industry]
        /// The candidate's wished work and wishes, as written.
        var text: String
        var language: NorwegianLevel?
    }

    struct Option: Sendable {
        var employerID: UUID
        var employerName: String
        var industry: Industry?
        var cooperation: CooperationStatus
        var analysisID: UUID
        var role: String
        var tasks: String
        var language: LanguageRequirement
    }

    struct Reason: Sendable, Equatable {
        var key: String
        var args: [String]
        var points: Int
    }

    struct Suggestion: Sendable {
        var option: Option
        var score: Int
        var reasons: [Reason]
    }

    static let industryPoints = 3
    static let wordPoints = 2
    static let maxWords = 2
    static let cooperationPoints = 1
    static let languagePoints = 1
    /// A suggestion needs a wished industry or a wished word; language and cooperation alone do not make a match.
    static let minimumScore = 3

    /// Words of four letters or more, folded (æøå and letter case aside).
    static func words(_ text: String) -> Set<String> {
        let folded = SearchText.foldedNeedle(text)
        return Set(folded.split(whereSeparator: { !$0.isLetter }).map(String.init).filter { $0.count >= 4 })
    }

    static func suggest(_ wishes: Wishes, options: [Option], limit: Int = 10) -> [Suggestion] {
        let wished = words(wishes.text)
        var suggestions: [Suggestion] = []
        for option in options {
            // A job whose language demand the candidate does not meet yet, or an employer that
            // paused or ended the cooperation, is not suggested.
            guard option.language.isMet(by: wishes.language), option.cooperation != .paused, option.cooperation != .ended else { continue }
            var reasons: [Reason] = []
            if let industry = option.industry, wishes.industries.contains(industry) {
                reasons.append(Reason(key: "match.reason.industry", args: [industry.rawValue], points: industryPoints))
            }
            let jobWords = words(option.role + " " + option.tasks)
            for word in wished.intersection(jobWords).sorted().prefix(maxWords) {
                reasons.append(Reason(key: "match.reason.word", args: [word], points: wordPoints))
            }
            guard reasons.reduce(0, { $0 + $1.points }) >= minimumScore else { continue }
            reasons.append(Reason(key: option.language == .none ? "match.reason.language_none" : "match.reason.language",
                                  args: [option.language.rawValue, wishes.language?.rawValue ?? "–"], points: languagePoints))
            if option.cooperation == .cooperating || option.cooperation == .inDialogue {
                reasons.append(Reason(key: "match.reason.cooperation", args: [option.cooperation.rawValue], points: cooperationPoints))
            }
            suggestions.append(Suggestion(option: option, score: reasons.reduce(0) { $0 + $1.points }, reasons: reasons))
        }
        return Array(suggestions.sorted { ($0.score, $1.option.employerName, $1.option.role) > ($1.score, $0.option.employerName, $0.option.role) }.prefix(limit))
    }

    /// The suggestions for a pathway, from the job analyses of its office's employers.
    static func suggestions(for opened: OpenedPathway, on db: any Database) async throws -> [Suggestion] {
        let candidate = opened.candidate.candidate
        let wishes = Wishes(industries: opened.pathway.wishedIndustries,
                            text: [candidate.wishedWork, candidate.wishes].compactMap { $0 }.joined(separator: " "),
                            language: candidate.norwegianLevel)
        let analyses = try await JobAnalysis.query(on: db).join(Employer.self, on: \JobAnalysis.$employer.$id == \Employer.$id)
            .filter(Employer.self, \.$office.$id == opened.pathway.$office.id).all()
        let options = try analyses.map { analysis in
            let employer = try analysis.joined(Employer.self)
            return Option(employerID: try employer.requireID(), employerName: employer.name, industry: employer.industry, cooperation: employer.cooperationStatus,
                          analysisID: try analysis.requireID(), role: analysis.role, tasks: analysis.tasks, language: analysis.languageRequirement)
        }
        return suggest(wishes, options: options)
    }
}
