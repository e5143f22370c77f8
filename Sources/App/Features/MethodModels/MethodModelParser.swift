import Foundation
import Yams

/// A model file that cannot be used: which file, which line, what is wrong (in bokmål, for the
/// admin who wrote it).
public struct MethodModelError: Error, CustomStringConvertible, Sendable, Equatable {
    public var file: String
    public var line: Int?
    public var problem: String

    public var description: String {
        if let line { return "\(file), linje \(line): \(problem)" }
        return "\(file): \(problem)"
    }
}

/// Reads a model file (docs/METHOD_MODELS.md) and checks everything a pathway relies on:
/// unknown keys, missing texts, duplicate ids, unknown events, malformed rules.
public enum MethodModelParser {
    public static let format = 1
    static let maxTextLength = 4_000

    public static func parse(_ text: String, file: String) throws -> MethodModel {
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: text) else {
                throw MethodModelError(file: file, line: nil, problem: "filen er tom")
            }
            root = node
        } catch let YamlError.duplicatedKeysInMapping(duplicates, context) {
            throw MethodModelError(file: file, line: context.mark.line, problem: "nøkkelen «\(duplicates.joined(separator: "», «"))» står to ganger i samme tabell")
        } catch let error as YamlError {
            throw MethodModelError(file: file, line: yamlLine(error), problem: "ikke gyldig YAML (\(yamlProblem(error)))")
        }
        let reader = Reader(file: file)
        return try reader.model(root)
    }

    private static func yamlLine(_ error: YamlError) -> Int? {
        switch error {
        // Something left open (a quote) is only noticed at the end of the file: name the line where
        // it was opened. Otherwise the line where reading broke.
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _), let .composer(context, problem, mark, _):
            problem.contains("end of stream") ? (context?.mark.line ?? mark.line) : mark.line
        default: nil
        }
    }

    private static func yamlProblem(_ error: YamlError) -> String {
        switch error {
        case let .scanner(_, problem, _, _), let .parser(_, problem, _, _), let .composer(_, problem, _, _): problem
        // Never the whole error: some cases carry the entire file.
        default: "ukjent feil"
        }
    }

    /// Walks the node tree; every error names the line of the node it is about.
    private struct Reader {
        let file: String

        func fail(_ node: Node?, _ problem: String) -> MethodModelError {
            MethodModelError(file: file, line: node?.mark?.line, problem: problem)
        }

        /// A mapping with only the allowed keys, as key → value node.
        func mapping(_ node: Node, allowed: [String], what: String) throws -> Fields {
            guard case let .mapping(mapping) = node else { throw fail(node, "\(what) må være en tabell med nøkler") }
            var fields: [String: Node] = [:]
            for (keyNode, value) in mapping {
                guard case let .scalar(scalar) = keyNode else { throw fail(keyNode, "ugyldig nøkkel i \(what)") }
                let key = scalar.string
                guard allowed.contains(key) else {
                    throw fail(keyNode, "ukjent nøkkel «\(key)» i \(what) (tillatt: \(allowed.joined(separator: ", ")))")
                }
                guard fields[key] == nil else { throw fail(keyNode, "nøkkelen «\(key)» står to ganger i \(what)") }
                fields[key] = value
            }
            return Fields(reader: self, node: node, what: what, values: fields)
        }

        func string(_ node: Node, _ name: String) throws -> String {
            guard case let .scalar(scalar) = node else { throw fail(node, "«\(name)» må være tekst") }
            let text = scalar.string.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !text.isEmpty else { throw fail(node, "«\(name)» er tom") }
            guard text.count <= MethodModelParser.maxTextLength else { throw fail(node, "«\(name)» er lengre enn \(MethodModelParser.maxTextLength) tegn") }
            return text
        }

        func list(_ node: Node, _ name: String) throws -> [Node] {
            guard case let .sequence(sequence) = node else { throw fail(node, "«\(name)» må være en liste") }
            return Array(sequence)
        }

        func identifier(_ node: Node, _ name: String, pattern: String) throws -> String {
            let text = try string(node, name)
            guard text.range(of: pattern, options: .regularExpression) != nil, text.count <= 60 else {
                throw fail(node, "«\(text)» er ikke en gyldig \(name)")
            }
            return text
        }

        func events(_ node: Node, _ name: String) throws -> Set<PathwayEventType> {
            let nodes: [Node]
            if case .sequence = node { nodes = try list(node, name) } else { nodes = [node] }
            guard !nodes.isEmpty else { throw fail(node, "«\(name)» er tom") }
            var result: Set<PathwayEventType> = []
            for item in nodes {
                let raw = try string(item, name)
                guard let type = PathwayEventType(rawValue: raw) else {
                    throw fail(item, "ukjent hendelse «\(raw)» i «\(name)» (se docs/EVENTS.md)")
                }
                result.insert(type)
            }
            return result
        }

        func duration(_ node: Node, _ name: String) throws -> RuleDuration {
            let raw = try string(node, name)
            guard let duration = RuleDuration(parsing: raw) else {
                throw fail(node, "«\(raw)» er ikke en gyldig varighet i «\(name)» (skriv f.eks. 14d, 4w, 2mo eller 1y)")
            }
            return duration
        }

        // MARK: The model

        func model(_ root: Node) throws -> MethodModel {
            let top = try mapping(root, allowed: ["format", "key", "version", "name", "summary", "source", "steps"], what: "modellen")
            let formatNode = try top.required("format")
            guard case let .scalar(formatScalar) = formatNode, Int(formatScalar.string) == MethodModelParser.format else {
                throw fail(formatNode, "«format» må være \(MethodModelParser.format)")
            }
            let key = try identifier(try top.required("key"), "nøkkel (key)", pattern: "^[a-z0-9][a-z0-9-]*$")
            let versionNode = try top.required("version")
            guard case let .scalar(versionScalar) = versionNode, let version = Int(versionScalar.string), version >= 1, version <= 1_000_000 else {
                throw fail(versionNode, "«version» må være et helt tall fra 1 og oppover")
            }
            var stepIDs: Set<String> = []
            var criterionIDs: Set<String> = []
            var steps: [MethodStep] = []
            let stepNodes = try list(try top.required("steps"), "steps")
            for node in stepNodes {
                let step = try self.step(node, criterionIDs: &criterionIDs)
                guard stepIDs.insert(step.id).inserted else { throw fail(node, "trinnet «\(step.id)» står to ganger") }
                steps.append(step)
            }
            guard steps.contains(where: { $0.scope == .pathway }) else {
                throw fail(top.node, "modellen har ingen trinn for forløp (scope: pathway)")
            }
            return MethodModel(
                key: key, version: version, name: try string(try top.required("name"), "name"),
                summary: try string(try top.required("summary"), "summary"),
                source: try top.optional("source").map { try string($0, "source") },
                steps: steps
            )
        }

        func step(_ node: Node, criterionIDs: inout Set<String>) throws -> MethodStep {
            let fields = try mapping(node, allowed: ["id", "name", "purpose", "scope", "activities", "criteria"], what: "et trinn")
            let id = try identifier(try fields.required("id"), "trinn-id", pattern: "^[A-Za-z0-9._-]+$")
            var scope = MethodStep.Scope.pathway
            if let scopeNode = fields.optional("scope") {
                let raw = try string(scopeNode, "scope")
                guard let value = MethodStep.Scope(rawValue: raw) else { throw fail(scopeNode, "«scope» må være pathway eller office, ikke «\(raw)»") }
                scope = value
            }
            var activities: [MethodActivity] = []
            for activityNode in try fields.optional("activities").map({ try list($0, "activities") }) ?? [] {
                let activity = try mapping(activityNode, allowed: ["what", "how", "who", "frame", "criteria"], what: "en aktivitet")
                activities.append(MethodActivity(
                    what: try string(try activity.required("what"), "what"),
                    how: try activity.optional("how").map { try string($0, "how") },
                    who: try activity.optional("who").map { try string($0, "who") },
                    frame: try activity.optional("frame").map { try string($0, "frame") },
                    criteria: try criteria(activity.optional("criteria"), stepID: id, scope: scope, ids: &criterionIDs)
                ))
            }
            return MethodStep(
                id: id, name: try string(try fields.required("name"), "name"),
                purpose: try string(try fields.required("purpose"), "purpose"),
                scope: scope, activities: activities,
                criteria: try criteria(fields.optional("criteria"), stepID: id, scope: scope, ids: &criterionIDs)
            )
        }

        func criteria(_ node: Node?, stepID: String, scope: MethodStep.Scope, ids: inout Set<String>) throws -> [QualityCriterion] {
            guard let node else { return [] }
            return try list(node, "criteria").map { item in
                let fields = try mapping(item, allowed: ["id", "text", "risk", "rule"], what: "et kriterium")
                let idNode = try fields.required("id")
                let id = try identifier(idNode, "kriterie-id", pattern: "^[A-Za-z0-9._-]+$")
                guard ids.insert(id).inserted else { throw fail(idNode, "kriteriet «\(id)» står to ganger i modellen") }
                var rule: CriterionRule?
                if let ruleNode = fields.optional("rule") {
                    guard scope == .pathway else { throw fail(ruleNode, "kriteriet «\(id)» gjelder kontoret (scope: office) og kan ikke ha en regel for forløp") }
                    rule = try self.rule(ruleNode, criterion: id)
                }
                return QualityCriterion(
                    id: id, stepID: stepID, text: try string(try fields.required("text"), "text"),
                    risk: try fields.optional("risk").map { try string($0, "risk") }, rule: rule
                )
            }
        }

        func rule(_ node: Node, criterion: String) throws -> CriterionRule {
            let fields = try mapping(node, allowed: ["expect", "after", "within", "limit", "before", "sameEmployer", "every", "from", "until", "for", "endsWith"], what: "regelen til «\(criterion)»")
            let expect = try events(try fields.required("expect"), "expect")
            let endsWith = try fields.optional("endsWith").map { try events($0, "endsWith") } ?? []
            let kinds = ["after", "before", "every"].filter { fields.optional($0) != nil }
            guard kinds.count == 1 else {
                throw fail(node, "regelen til «\(criterion)» må ha nøyaktig én av «after», «before» og «every»")
            }
            func refuse(_ keys: [String], with kind: String) throws {
                for key in keys where fields.optional(key) != nil {
                    throw fail(fields.keyNode(key), "«\(key)» kan ikke brukes sammen med «\(kind)» i regelen til «\(criterion)»")
                }
            }
            let kind: CriterionRule.Kind
            switch kinds[0] {
            case "after":
                try refuse(["sameEmployer", "from", "until", "for"], with: "after")
                guard let within = fields.optional("within") else { throw fail(node, "regelen til «\(criterion)» har «after» uten «within»") }
                let duration = try self.duration(within, "within")
                let limit = try fields.optional("limit").map { try self.duration($0, "limit") }
                if let limit, limit.deadline(after: .init(timeIntervalSince1970: 0)) < duration.deadline(after: .init(timeIntervalSince1970: 0)) {
                    throw fail(fields.keyNode("limit"), "«limit» er kortere enn «within» i regelen til «\(criterion)»")
                }
                kind = .within(after: try events(try fields.required("after"), "after"), within: duration, limit: limit)
            case "before":
                try refuse(["limit", "from", "until", "for"], with: "before")
                var sameEmployer = false
                if let flag = fields.optional("sameEmployer") {
                    guard case let .scalar(scalar) = flag, let value = Bool(scalar.string) else { throw fail(flag, "«sameEmployer» må være true eller false") }
                    sameEmployer = value
                }
                kind = .before(triggers: try events(try fields.required("before"), "before"), sameEmployer: sameEmployer,
                               within: try fields.optional("within").map { try self.duration($0, "within") })
            default:
                try refuse(["within", "limit", "sameEmployer"], with: "every")
                guard let from = fields.optional("from") else { throw fail(node, "regelen til «\(criterion)» har «every» uten «from»") }
                kind = .every(interval: try duration(try fields.required("every"), "every"), from: try events(from, "from"),
                              until: try fields.optional("until").map { try events($0, "until") } ?? [],
                              period: try fields.optional("for").map { try self.duration($0, "for") })
            }
            return CriterionRule(expect: expect, kind: kind, endsWith: endsWith)
        }
    }

    private struct Fields {
        let reader: Reader
        let node: Node
        let what: String
        let values: [String: Node]

        func required(_ key: String) throws -> Node {
            guard let value = values[key] else { throw reader.fail(node, "\(what) mangler «\(key)»") }
            return value
        }

        func optional(_ key: String) -> Node? { values[key] }

        /// The value's node, for an error about that key.
        func keyNode(_ key: String) -> Node? { values[key] }
    }
}
