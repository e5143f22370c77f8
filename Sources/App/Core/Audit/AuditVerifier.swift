import Fluent
import Foundation
import SQLKit

/// Walks the chain from the first entry and reports the first entry that does not fit.
public struct AuditVerifier {
    public enum Finding: Equatable, Sendable, CustomStringConvertible {
        case missing(expectedSeq: Int, foundSeq: Int)
        case brokenLink(seq: Int)
        case contentChanged(seq: Int)
        case tailRemoved(lastSeq: Int, headSeq: Int)
        case headChanged(lastSeq: Int)

        /// The first bad entry's position.
        public var seq: Int {
            switch self {
            case let .missing(expected, _): expected
            case let .brokenLink(seq), let .contentChanged(seq), let .headChanged(seq): seq
            case let .tailRemoved(last, _): last + 1
            }
        }

        public var description: String {
            switch self {
            case let .missing(expected, found):
                "oppføring \(expected) mangler (neste funnet er \(found)): rader er slettet"
            case let .brokenLink(seq):
                "oppføring \(seq) peker ikke på forrige oppførings hash: en rad foran er endret eller slettet"
            case let .contentChanged(seq):
                "oppføring \(seq) er endret etter at den ble skrevet (hash stemmer ikke med innholdet)"
            case let .tailRemoved(last, head):
                "oppføring \(last + 1) mangler: kjeden slutter på \(last), men \(head) oppføringer er skrevet"
            case let .headChanged(last):
                "kjedehodet stemmer ikke med siste oppføring (\(last))"
            }
        }
    }

    public struct Report: Sendable {
        public var checked: Int
        public var lastHash: String
        public var finding: Finding?
    }

    let db: any Database
    let batchSize: Int

    public init(db: any Database, batchSize: Int = 2000) {
        self.db = db
        self.batchSize = batchSize
    }

    public func verify() async throws -> Report {
        var expectedSeq = 1
        var previous = AuditHash.genesis
        var checked = 0
        while true {
            let batch = try await AuditEntry.query(on: db)
                .filter(\.$id >= expectedSeq)
                .sort(\.$id)
                .limit(batchSize)
                .all()
            if batch.isEmpty { break }
            for entry in batch {
                let seq = entry.id ?? 0
                if seq != expectedSeq {
                    return Report(checked: checked, lastHash: previous, finding: .missing(expectedSeq: expectedSeq, foundSeq: seq))
                }
                if entry.prevHash != previous {
                    return Report(checked: checked, lastHash: previous, finding: .brokenLink(seq: seq))
                }
                if AuditHash.compute(previous: previous, content: entry.hashContent) != entry.hash {
                    return Report(checked: checked, lastHash: previous, finding: .contentChanged(seq: seq))
                }
                previous = entry.hash
                expectedSeq += 1
                checked += 1
            }
        }
        struct Head: Decodable { var last_seq: Int; var last_hash: String }
        let head = try await (db as! any SQLDatabase)
            .raw("SELECT last_seq, last_hash FROM audit_chain_head WHERE id = 1")
            .first(decoding: Head.self)
        guard let head else { throw AuditChainError.headMissing }
        if head.last_seq > checked {
            return Report(checked: checked, lastHash: previous, finding: .tailRemoved(lastSeq: checked, headSeq: head.last_seq))
        }
        if head.last_seq != checked || head.last_hash != previous {
            return Report(checked: checked, lastHash: previous, finding: .headChanged(lastSeq: checked))
        }
        return Report(checked: checked, lastHash: previous, finding: nil)
    }
}
