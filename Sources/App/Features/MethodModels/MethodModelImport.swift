import Fluent
import Vapor

/// Loads an office's own version of a model (CLI and admin page). The file is validated like a
/// shipped one; a stored version is never replaced, so pathways keep the version they started with.
struct MethodModelImport {
    let app: Application
    let context: AuditContext
    let actorID: UUID?
    let now: Date

    enum Outcome: Sendable, Equatable {
        case imported(UUID)
        case unchanged(UUID)
    }

    func run(text: String, fileName: String, office: Office) async throws -> (Outcome, MethodModel) {
        let file = try MethodModelFile.parse(text, fileName: fileName)
        let officeID = try office.requireID()
        let owner = officeID.uuidString
        let model = file.model
        let (actorID, now) = (actorID, now)
        let outcome = try await app.write(context: context) { db, audit -> Outcome in
            let versions = try await MethodModelRecord.query(on: db).filter(\.$key == model.key).filter(\.$owner == owner).all()
            if let same = versions.first(where: { $0.version == model.version }) {
                guard same.sha256 == file.sha256 else {
                    throw MethodModelError(file: fileName, line: nil, problem: "versjon \(model.version) av «\(model.key)» finnes allerede for kontoret med annet innhold; øk «version»")
                }
                return .unchanged(try same.requireID())
            }
            if let newest = versions.map(\.version).max(), newest > model.version {
                throw MethodModelError(file: fileName, line: nil, problem: "kontoret har allerede versjon \(newest) av «\(model.key)»; en ny fil må ha høyere versjon")
            }
            let record = MethodModelRecord(file: file, owner: owner, officeID: officeID, loadedBy: actorID, at: now)
            try await record.create(on: db)
            audit.record(AuditEvent(.methodModelImported, objectType: AuditObjectType.methodModel, objectID: record.id?.uuidString, officeID: officeID,
                                    detail: "\(model.key) v\(model.version) (\(fileName))"))
            return .imported(try record.requireID())
        }
        return (outcome, model)
    }
}
