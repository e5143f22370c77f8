import Crypto
import Fluent
import Foundation
import NIOConcurrencyHelpers
import Vapor

/// A model file as read from disk or an upload.
public struct MethodModelFile: Sendable {
    public var fileName: String
    public var text: String
    public var model: MethodModel

    public var sha256: String { SHA256.hash(data: Data(text.utf8)).hexString }

    public static func parse(_ text: String, fileName: String) throws -> MethodModelFile {
        MethodModelFile(fileName: fileName, text: text, model: try MethodModelParser.parse(text, file: fileName))
    }
}

/// The shipped model files and every stored model version. Stored versions never change, so a
/// parsed model is cached by its row id; which version an office uses is read from the database
/// each time, so an import is seen by every running instance at once.
public final class MethodModelCatalog: Sendable {
    public let shipped: [MethodModelFile]
    private let parsed = NIOLockedValueBox<[UUID: MethodModel]>([:])

    public init(shipped: [MethodModelFile]) {
        self.shipped = shipped
    }

    /// Reads and validates every `*.yaml` in the directory. Any error stops the start: half a
    /// model must never run.
    public static func loadShipped(from directory: String) throws -> MethodModelCatalog {
        let fileManager = FileManager.default
        guard let names = try? fileManager.contentsOfDirectory(atPath: directory) else {
            throw MethodModelError(file: directory, line: nil, problem: "mappen med metodemodeller finnes ikke")
        }
        var files: [MethodModelFile] = []
        var keys: [String: String] = [:]
        for name in names.sorted() where name.hasSuffix(".yaml") || name.hasSuffix(".yml") {
            let path = directory + "/" + name
            guard let data = fileManager.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
                throw MethodModelError(file: name, line: nil, problem: "kan ikke leses som UTF-8-tekst")
            }
            let file = try MethodModelFile.parse(text, fileName: name)
            if let other = keys[file.model.key] {
                throw MethodModelError(file: name, line: nil, problem: "nøkkelen «\(file.model.key)» brukes også i \(other)")
            }
            keys[file.model.key] = name
            files.append(file)
        }
        guard !files.isEmpty else {
            throw MethodModelError(file: directory, line: nil, problem: "ingen metodemodeller (*.yaml) i mappen")
        }
        return MethodModelCatalog(shipped: files)
    }

    /// The model of a stored version by its row id. The row, with its source text, is read only the
    /// first time; nil when no such version is stored.
    func model(id: UUID, on db: any Database) async throws -> MethodModel? {
        if let model = parsed.withLockedValue({ $0[id] }) { return model }
        guard let record = try await MethodModelRecord.find(id, on: db) else { return nil }
        return try model(record)
    }

    /// The model of a stored version.
    func model(_ record: MethodModelRecord) throws -> MethodModel {
        let id = try record.requireID()
        if let model = parsed.withLockedValue({ $0[id] }) { return model }
        let model = try MethodModelParser.parse(record.sourceText, file: record.fileName)
        parsed.withLockedValue { $0[id] = model }
        return model
    }
}

extension MethodModelCatalog {
    /// Stores each shipped file once per version. A file whose content changed while its version
    /// stayed the same is refused: pathways that started on that version must keep it.
    func syncShipped(on db: any Database, now: Date) async throws {
        for file in shipped {
            let existing = try await MethodModelRecord.query(on: db)
                .filter(\.$key == file.model.key).filter(\.$version == file.model.version)
                .filter(\.$owner == MethodModelRecord.shippedOwner).first()
            if let existing {
                guard existing.sha256 == file.sha256 else {
                    throw MethodModelError(file: file.fileName, line: nil, problem: "innholdet er endret, men «version» er fortsatt \(file.model.version); øk versjonen (forløp som startet på denne versjonen beholder den)")
                }
                continue
            }
            let record = MethodModelRecord(file: file, owner: MethodModelRecord.shippedOwner, officeID: nil, loadedBy: nil, at: now)
            do {
                try await record.create(on: db)
            } catch where (error as? any DatabaseError)?.isConstraintFailure == true {
                continue // another instance stored it a moment ago
            }
        }
    }

    /// The version of each model an office uses for new pathways: its own newest version of a key,
    /// else the newest shipped one.
    func available(for officeID: UUID?, on db: any Database) async throws -> [MethodModelRecord] {
        var owners = [MethodModelRecord.shippedOwner]
        if let officeID { owners.append(officeID.uuidString) }
        let records = try await MethodModelRecord.query(on: db).filter(\.$owner ~~ owners).all()
        var chosen: [String: MethodModelRecord] = [:]
        for record in records {
            guard let current = chosen[record.key] else { chosen[record.key] = record; continue }
            let currentIsOffice = current.owner != MethodModelRecord.shippedOwner
            let recordIsOffice = record.owner != MethodModelRecord.shippedOwner
            if (recordIsOffice && !currentIsOffice) || (recordIsOffice == currentIsOffice && record.version > current.version) {
                chosen[record.key] = record
            }
        }
        return NorwegianOrder.sorted(chosen.values, by: \.name, then: \.key)
    }
}

extension MethodModelRecord {
    convenience init(file: MethodModelFile, owner: String, officeID: UUID?, loadedBy: UUID?, at: Date) {
        self.init()
        key = file.model.key
        version = file.model.version
        self.owner = owner
        $office.id = officeID
        name = file.model.name
        sourceText = file.text
        sha256 = file.sha256
        fileName = file.fileName
        loadedAt = at
        $loadedBy.id = loadedBy
    }

    var isShipped: Bool { owner == Self.shippedOwner }
}
