import Fluent
import SQLKit
import Vapor

/// An online copy of the SQLite database. `VACUUM INTO` reads one consistent snapshot (WAL readers
/// do not block the server's writers) and writes a compact, self-contained file.
struct SQLiteBackup {
    let app: Application

    func copy(to target: String) async throws -> String {
        let path = URL(fileURLWithPath: target, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath)).standardizedFileURL.path
        guard !FileManager.default.fileExists(atPath: path) else {
            throw CommandFailure("\(path) finnes allerede. Velg et nytt filnavn; en sikkerhetskopi overskriver aldri en fil.")
        }
        try await (app.db as! any SQLDatabase).raw("VACUUM INTO \(bind: path)").run()
        try await app.audit([AuditEvent(.backupTaken, detail: "SQLite-kopi")], context: .cli)
        return path
    }
}
