@testable import App
import Fluent
import Foundation
import SQLKit
import SQLiteKit
import Testing

/// `readDB`: on SQLite our own connections with kept statements (`SQLiteConnections`), on PostgreSQL
/// the request's database. Either way a read must give what the driver gives.
@Suite("Reads outside transactions (readDB)")
struct ReadDatabaseTests {
    /// Every kind of value a page reads, bound and selected, decodes as through the driver.
    @Test func valuesDecodeAsThroughTheDriver() async throws {
        try await withTestApp(demo: false) { t in
            let id = UUID()
            let date = Date(timeIntervalSince1970: 1_764_300_000.25)
            let query: SQLQueryString = """
                SELECT \(bind: "Åse «økt» 1") AS s, \(bind: 42) AS i, \(bind: 1.5) AS f, NULL AS n, \(bind: true) AS yes,
                \(bind: false) AS no, \(bind: date) AS d, \(bind: id) AS u, \(bind: Optional<String>.none) AS none
                """
            let driver = try #require(try await t.sql.raw(query).first())
            let read = try #require(try await t.app.readDB.raw(query).first())
            for row in [driver, read] {
                #expect(try row.decode(column: "s", as: String.self) == "Åse «økt» 1")
                #expect(try row.decode(column: "i", as: Int.self) == 42)
                #expect(try row.decode(column: "f", as: Double.self) == 1.5)
                #expect(try row.decodeNil(column: "n"))
                #expect(try row.decode(column: "n", as: String?.self) == nil)
                #expect(try row.decode(column: "yes", as: Bool.self))
                #expect(try !row.decode(column: "no", as: Bool.self))
                #expect(try row.decode(column: "d", as: Date.self) == date)
                #expect(try row.uuid("u") == id)
                #expect(try row.decodeNil(column: "none"))
                #expect(try row.optional("i", as: Int.self) == 42)
                #expect(!row.contains(column: "missing"))
                #expect(throws: (any Error).self) { try row.decode(column: "missing", as: String.self) }
                #expect(throws: (any Error).self) { try row.decode(column: "s", as: Int.self) }
            }
            #expect(read.allColumns == driver.allColumns)

            // Each common type asked of each column: the reader converts what the driver converts,
            // to the same value, and refuses what it refuses. Through `any SQLRow`, as pages and
            // writes decode (the reader's unspecialised path).
            func agree<T: Decodable & Equatable>(_ type: T.Type, _ column: String) -> Bool {
                let fromDriver = Result { try driver.decode(column: column, as: T.self) }
                let fromReader = Result { try read.decode(column: column, as: T.self) }
                switch (fromDriver, fromReader) {
                case let (.success(a), .success(b)): return a == b
                case (.failure, .failure): return true
                default: return false
                }
            }
            var refused = 0
            for column in ["s", "i", "f", "n", "yes", "no", "d", "u"] {
                #expect(agree(String.self, column), "String from \(column)")
                #expect(agree(Int.self, column), "Int from \(column)")
                #expect(agree(Double.self, column), "Double from \(column)")
                #expect(agree(Bool.self, column), "Bool from \(column)")
                #expect(agree(Date.self, column), "Date from \(column)")
                #expect(agree(UUID.self, column), "UUID from \(column)")
                #expect(agree(String?.self, column), "String? from \(column)")
                if (try? read.decode(column: column, as: Date.self)) == nil { refused += 1 }
            }
            // Not a check that cannot fail: some columns are refused as dates (text, NULL).
            #expect(refused >= 2)
        }
    }

    /// A read sees what was committed before it, also when its statement is already prepared.
    @Test func seesWhatWasCommittedBeforeIt() async throws {
        try await withTestApp { t in
            let office = try await t.office("9901")
            let read: SQLQueryString = "SELECT name FROM offices WHERE id = \(bind: try office.requireID())"
            #expect(try await t.app.readDB.raw(read).first()?.decode(column: "name", as: String.self) == office.name)
            try await t.sql.raw("UPDATE offices SET name = \(bind: "Nytt navn") WHERE id = \(bind: try office.requireID())").run()
            #expect(try await t.app.readDB.raw(read).first()?.decode(column: "name", as: String.self) == "Nytt navn")
            let none: SQLQueryString = "SELECT name FROM offices WHERE id = \(bind: UUID())"
            #expect(try await t.app.readDB.raw(none).all().isEmpty)
        }
    }

    /// Many reads at once each get their own rows, and no more connections stay open than kept.
    @Test func concurrentReadsGetTheirOwnRows() async throws {
        try await withTestApp { t in
            let offices = try await t.sql.raw("SELECT id, enhet_number FROM offices").all()
            let expected = try Dictionary(uniqueKeysWithValues: offices.map { (try $0.uuid("id"), try $0.decode(column: "enhet_number", as: String.self)) })
            #expect(expected.count >= 2)
            let db = t.app.readDB
            try await withThrowingTaskGroup(of: Void.self) { group in
                for round in 0 ..< 64 {
                    let (id, enhet) = Array(expected)[round % expected.count]
                    group.addTask {
                        let row = try await db.raw("SELECT enhet_number FROM offices WHERE id = \(bind: id)").first()
                        #expect(try row?.decode(column: "enhet_number", as: String.self) == enhet)
                    }
                }
                try await group.waitForAll()
            }
            // The connections are given back after their reads, to be used again.
            if let reader = t.app.sqliteReader { #expect(reader.idleCount >= 1) }
        }
    }

    /// SQLite: the reader cannot write, a failed statement leaves its connection usable, the kept
    /// statements are bounded, and a finished read leaves no statement running.
    @Test func sqliteReaderOnlyReadsAndLetsGo() async throws {
        try await withTestApp { t in
            guard let reader = t.app.sqliteReader else {
                #expect(t.dialect == .postgres)
                return
            }
            let office = try await t.office("9901")
            await #expect(throws: (any Error).self) {
                try await t.app.readDB.raw("UPDATE offices SET name = \(bind: "Skrevet av leseren")").run()
            }
            #expect(try await t.office("9901").name == office.name)
            await #expect(throws: (any Error).self) { try await t.app.readDB.raw("SELECT * FROM ingen_tabell").run() }
            #expect(try await t.app.readDB.raw("SELECT COUNT(*) AS n FROM offices").first()?.decode(column: "n", as: Int.self) ?? 0 > 0)

            // More distinct statements than a connection keeps: the cache is emptied, reads go on.
            for value in 0 ... KeptConnection.statementLimit + 5 {
                let text = "SELECT \(value) AS v"
                let row = try await t.app.readDB.raw(SQLQueryString(text)).first()
                #expect(try row?.decode(column: "v", as: Int.self) == value)
            }
            let kept = reader.withIdleConnections { $0.map(\.statementCount) }
            #expect(!kept.isEmpty && kept.allSatisfy { $0 <= KeptConnection.statementLimit })
            #expect(kept.max() ?? 0 < 20)

            // A read leaves no statement part-way, so it holds no snapshot of the database.
            _ = try await t.app.readDB.raw("SELECT name FROM offices").all()
            #expect(reader.withIdleConnections { $0.allSatisfy { !$0.hasStatementRunning } })

            // At shutdown the idle connections close, and a read that ends afterwards closes its own.
            reader.close()
            #expect(reader.idleCount == 0)
            let late = try await t.app.readDB.raw("SELECT COUNT(*) AS n FROM offices").first()
            #expect(try late?.decode(column: "n", as: Int.self) ?? 0 > 0)
            #expect(reader.idleCount == 0)
        }
    }

    /// SQLite: a kept statement is not compiled again when other values are bound to it. The
    /// portfolio's statement (counts of every filter, each with its own binds) was, on every read,
    /// until the reader's connections kept their plans (`samskap_sqlite_enable_qpsg`).
    @Test func keptStatementsAreNotCompiledAgain() async throws {
        try await withTestApp { t in
            let veileder1 = try await t.user("veileder1")
            var query = PortfolioQuery(counselorID: veileder1.id!, officeID: veileder1.$office.id!, now: t.clock.now())
            var totals: [Int] = []
            for hours in 0 ..< 6 {
                query.now = t.clock.now().addingTimeInterval(Double(hours) * 86_400 * 40)
                let driver = try await query.load(on: t.sql)
                let read = try await query.load(on: t.app.readDB)
                #expect(read.counts == driver.counts)
                #expect(read.rows.map(\.id) == driver.rows.map(\.id))
                totals.append(read.counts[.all] ?? 0)
            }
            #expect(totals.allSatisfy { $0 > 0 })
            guard let reader = t.app.sqliteReader else {
                #expect(t.dialect == .postgres)
                return
            }
            let (stable, reprepares) = reader.withIdleConnections { connections in
                (connections.allSatisfy(\.planIsStable), connections.reduce(0) { $0 + $1.reprepares })
            }
            #expect(stable)
            #expect(reprepares == 0)
        }
    }

    /// A model read by `findModel` is the one Fluent's `find` gives, field for field, and is
    /// stored: changed and saved, it is updated, not inserted again.
    @Test func findModelIsFluentsFind() async throws {
        try await withTestApp { t in
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            let pathway = try #require(try await Pathway.query(on: t.db).filter(\.$outcome != nil).first())
            let read = try #require(try await t.app.readDB.findModel(Pathway.self, id: pathway.requireID()))
            #expect(try encoder.encode(read) == encoder.encode(pathway))
            let candidate = try #require(try await Candidate.query(on: t.db).filter(\.$norwegianLevel != nil).first())
            let readCandidate = try #require(try await t.app.readDB.findModel(Candidate.self, id: candidate.requireID()))
            #expect(try encoder.encode(readCandidate) == encoder.encode(candidate))
            #expect(try await t.app.readDB.findModel(Candidate.self, id: UUID()) == nil)

            let users = try await User.query(on: t.db).limit(3).all()
            #expect(users.count == 3)
            let readUsers = try await t.app.readDB.findModels(User.self, ids: users.map { try $0.requireID() } + [UUID()])
            func byID(_ users: [User]) throws -> [UUID: Data] {
                try Dictionary(uniqueKeysWithValues: users.map { (try $0.requireID(), try encoder.encode($0)) })
            }
            #expect(try byID(readUsers) == byID(users))
            #expect(try await t.app.readDB.findModels(User.self, ids: []).isEmpty)

            // `models(where:)`: the rows Fluent's filter gives, in the same order.
            let withConsents = try #require(try await t.sql.raw("""
                SELECT candidate_id FROM candidate_consents GROUP BY candidate_id HAVING COUNT(*) >= 2 LIMIT 1
                """).first()).uuid("candidate_id")
            let consents = try await CandidateConsent.query(on: t.db).filter(\.$candidate.$id == withConsents)
                .sort(\.$recordedAt, .descending).sort(\.$id).all()
            let readConsents = try await t.app.readDB.models(
                CandidateConsent.self, where: "candidate_id", equals: withConsents, orderBy: ("recorded_at", .descending)
            )
            #expect(consents.count >= 2)
            #expect(try readConsents.map { try encoder.encode($0) } == consents.map { try encoder.encode($0) })
            #expect(try await t.app.readDB.models(CandidateConsent.self, where: "candidate_id", equals: UUID(), orderBy: ("recorded_at", .ascending)).isEmpty)

            // An agreement's snapshot: its versions and approvals as Fluent's queries give them, in their order.
            let approved = try #require(try await t.sql.raw("""
                SELECT agreement_id FROM agreement_approvals GROUP BY agreement_id HAVING COUNT(*) >= 2 LIMIT 1
                """).first()).uuid("agreement_id")
            let agreement = try #require(try await t.app.readDB.findModel(Agreement.self, id: approved))
            let snapshot = try await AgreementSnapshot.load(agreement, on: t.app.readDB)
            let versions = try await AgreementVersion.query(on: t.db).filter(\.$agreement.$id == approved).sort(\.$version).all()
            let approvals = try await AgreementApproval.query(on: t.db).filter(\.$agreement.$id == approved).sort(\.$approvedAt).sort(\.$id).all()
            #expect(!versions.isEmpty && approvals.count >= 2)
            #expect(try snapshot.versions.map { try encoder.encode($0) } == versions.map { try encoder.encode($0) })
            #expect(try snapshot.approvals.map { try encoder.encode($0) } == approvals.map { try encoder.encode($0) })

            let before = try await Candidate.query(on: t.db).count()
            readCandidate.wishes = "Lagerarbeid på dagtid"
            try await readCandidate.save(on: t.db)
            #expect(try await Candidate.query(on: t.db).count() == before)
            #expect(try await Candidate.find(candidate.requireID(), on: t.db)?.wishes == "Lagerarbeid på dagtid")
        }
    }

    /// Opening a candidate reads the user's grants on `readDB`: an expired grant counts for
    /// nothing, and a full grant wins over a read-only one.
    @Test func strongestGrantThatHolds() async throws {
        try await withTestApp { t in
            let owner = t.browser()
            try await owner.login("veileder1")
            let id = try await CandidateFixture.register(owner, CandidateFixture.fields(fnr: CandidateFixture.fnr()))
            let veileder2 = try await t.user("veileder2")
            func grant(readOnly: Bool, expiresIn seconds: TimeInterval) async throws {
                let grant = CandidateAccessGrant()
                grant.$candidate.id = id
                grant.$user.id = try veileder2.requireID()
                grant.reason = "Vikar for Vera"
                grant.grantedAt = t.clock.now().addingTimeInterval(-3_600)
                grant.expiresAt = t.clock.now().addingTimeInterval(seconds)
                grant.readOnly = readOnly
                try await grant.create(on: t.db)
            }
            try await grant(readOnly: false, expiresIn: -1)
            try await grant(readOnly: true, expiresIn: 3_600)
            let colleague = t.browser()
            try await colleague.login("veileder2")
            let edit = CandidateFixture.fields(fnr: "", first: "Endret")
            #expect(try await colleague.get("/kandidater/\(id)").status == .ok)
            #expect(try await colleague.post("/kandidater/\(id)/rediger", edit).status == .forbidden)
            #expect(try await Candidate.find(id, on: t.db)?.firstName == "Kari")

            try await grant(readOnly: false, expiresIn: 3_600)
            let changed = try await colleague.post("/kandidater/\(id)/rediger", edit)
            #expect(changed.status == .seeOther, "edit answered \(changed.status.code): \(changed.text.prefix(300))")
            #expect(try await Candidate.find(id, on: t.db)?.firstName == "Endret")
        }
    }

    /// A row finds its columns by name in any order: the reader guesses the next column from the
    /// last one found, and a wrong guess must not give another column's value.
    @Test func columnsFoundInAnyOrder() async throws {
        try await withTestApp(demo: false) { t in
            let rows = try await t.app.readDB.raw("SELECT 1 AS a, 2 AS b, 3 AS c UNION ALL SELECT 10, 20, 30 ORDER BY a").all()
            #expect(rows.count == 2)
            let names = ["a", "b", "c"]
            for order in [names, names.reversed(), ["b", "a", "c", "c", "a"]] {
                for column in order {
                    // Rows of one result share their names; decode them interleaved.
                    for (row, factor) in zip(rows, [1, 10]) {
                        let expected = (names.firstIndex(of: column)! + 1) * factor
                        #expect(try row.decode(column: column, as: Int.self) == expected)
                    }
                }
            }
            #expect(!rows[0].contains(column: "d"))
            #expect(try rows[1].decode(column: "a", as: Int.self) == 10)

            // A name given twice (as a join's `*` can) gives what the driver gives (on SQLite the
            // first, on PostgreSQL the last), also right after the column before the second.
            let twice: SQLQueryString = "SELECT 1 AS id, 2 AS name, 3 AS id"
            let driver = try #require(try await t.sql.raw(twice).first())
            let read = try #require(try await t.app.readDB.raw(twice).first())
            let id = try driver.decode(column: "id", as: Int.self)
            if t.dialect == .sqlite { #expect(id == 1) }
            for _ in 0 ..< 2 {
                #expect(try read.decode(column: "name", as: Int.self) == 2)
                #expect(try read.decode(column: "id", as: Int.self) == id)
            }
            #expect(try !read.decodeNil(column: "id"))
        }
    }
}
