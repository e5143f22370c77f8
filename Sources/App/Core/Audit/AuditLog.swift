import Fluent
import Foundation
import NIOConcurrencyHelpers
import SQLKit

/// Collects the audit events of one write; they are appended in the same transaction as the write.
public final class AuditRecorder: Sendable {
    private let box = NIOLockedValueBox<[AuditEvent]>([])

    public func record(_ event: AuditEvent) {
        box.withLockedValue { $0.append(event) }
    }

    var events: [AuditEvent] { box.withLockedValue { $0 } }
}

/// The only writer of `audit_entries`.
public enum AuditLog {
    private struct Head: Decodable {
        var last_seq: Int
        var last_hash: String
    }

    /// Takes the chain's lock: a row lock on PostgreSQL, the database write lock on SQLite.
    /// Held until the surrounding transaction ends, so entries get gap-free, ordered positions.
    static func lockChain(on db: any Database) async throws {
        try await (db as! any SQLDatabase).raw("UPDATE audit_chain_head SET last_seq = last_seq WHERE id = 1").run()
    }

    /// Appends `events` to the chain. Must run inside the transaction of the change it records.
    static func append(_ events: [AuditEvent], context: AuditContext, at date: Date, on db: any Database) async throws {
        guard !events.isEmpty else { return }
        let sql = db as! any SQLDatabase
        try await lockChain(on: db)
        guard let head = try await sql.raw("SELECT last_seq, last_hash FROM audit_chain_head WHERE id = 1").first(decoding: Head.self) else {
            throw AuditChainError.headMissing
        }
        var seq = head.last_seq
        var previous = head.last_hash
        let occurredAt = AuditHash.truncatedToMillis(date)
        var entries: [AuditEntry] = []
        for event in events {
            seq += 1
            let entry = AuditEntry()
            entry.id = seq
            entry.occurredAt = occurredAt
            entry.actorUserID = context.actorUserID
            entry.actorUsername = context.actorUsername
            entry.action = event.action.rawValue
            entry.objectType = event.objectType
            entry.objectID = event.objectID
            entry.officeID = event.officeID
            entry.outcome = event.outcome.rawValue
            entry.requestID = context.requestID
            entry.detail = event.detail
            entry.prevHash = previous
            entry.hash = AuditHash.compute(previous: previous, content: entry.hashContent)
            previous = entry.hash
            entries.append(entry)
        }
        try await entries.create(on: db)
        try await sql.update("audit_chain_head")
            .set("last_seq", to: seq)
            .set("last_hash", to: previous)
            .where("id", .equal, 1)
            .run()
    }
}

public enum AuditChainError: Error, CustomStringConvertible {
    case headMissing

    public var description: String {
        "Revisjonsloggens kjedehode mangler: databasen er ikke migrert, eller tabellen audit_chain_head er endret."
    }
}
