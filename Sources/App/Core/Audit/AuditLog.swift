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
    /// `chainLocked`: the transaction took the chain's lock already (`lockChain`).
    static func append(_ events: [AuditEvent], context: AuditContext, at date: Date, chainLocked: Bool = false, on db: any Database) async throws {
        try await append([AuditBatch(events: events, context: context, at: date)], chainLocked: chainLocked, on: db)
    }

    /// Appends several callers' events in one go: one read of the chain head, one insert, one update.
    /// Each batch keeps its own actor, request and time; order is the order given.
    static func append(_ batches: [AuditBatch], chainLocked: Bool = false, on db: any Database) async throws {
        guard batches.contains(where: { !$0.events.isEmpty }) else { return }
        let sql = db as! any SQLDatabase
        if !chainLocked { try await lockChain(on: db) }
        guard let head = try await sql.raw("SELECT last_seq, last_hash FROM audit_chain_head WHERE id = 1").first(decoding: Head.self) else {
            throw AuditChainError.headMissing
        }
        var seq = head.last_seq
        var previous = head.last_hash
        var entries: [AuditEntry] = []
        for batch in batches {
            let occurredAt = AuditHash.truncatedToMillis(batch.date)
            for event in batch.events {
                seq += 1
                let entry = AuditEntry()
                entry.id = seq
                entry.occurredAt = occurredAt
                entry.actorUserID = batch.context.actorUserID
                entry.actorUsername = batch.context.actorUsername
                entry.action = event.action.rawValue
                entry.objectType = event.objectType
                entry.objectID = event.objectID
                entry.officeID = event.officeID
                entry.outcome = event.outcome.rawValue
                entry.requestID = batch.context.requestID
                entry.detail = event.detail
                entry.prevHash = previous
                entry.hash = AuditHash.compute(previous: previous, content: entry.hashContent)
                previous = entry.hash
                entries.append(entry)
            }
        }
        // Bounded statements: SQLite takes at most 32 766 parameters, and an entry has 13.
        for chunk in stride(from: 0, to: entries.count, by: 1_000) {
            try await Array(entries[chunk ..< min(chunk + 1_000, entries.count)]).create(on: db)
        }
        try await sql.update("audit_chain_head")
            .set("last_seq", to: seq)
            .set("last_hash", to: previous)
            .where("id", .equal, 1)
            .run()
    }
}

/// The events one caller records, with who and when.
struct AuditBatch: Sendable {
    var events: [AuditEvent]
    var context: AuditContext
    var date: Date

    init(events: [AuditEvent], context: AuditContext, at date: Date) {
        self.events = events
        self.context = context
        self.date = date
    }
}

public enum AuditChainError: Error, CustomStringConvertible {
    case headMissing

    public var description: String {
        "Revisjonsloggens kjedehode mangler: databasen er ikke migrert, eller tabellen audit_chain_head er endret."
    }
}
