import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import Leaf
import SQLKit
import Vapor

/// Sets up the whole app: configuration, database, migrations, middleware, views, commands, routes.
public func configure(_ app: Application, config: AppConfig, clock: any AppClock = SystemClock()) async throws {
    // bcrypt gets threads of its own, so a burst of logins cannot hold up database work
    // (SQLite runs on the application's thread pool).
    let passwordThreads = NIOThreadPool(numberOfThreads: 2)
    passwordThreads.start()
    app.lifecycle.use(ThreadPoolShutdown(pool: passwordThreads))
    let passwords = BcryptPasswordHasher(cost: config.bcryptCost, threadPool: passwordThreads)
    app.samskap = SamskapServices(
        config: config,
        clock: clock,
        passwords: passwords,
        strings: try StringTables.load(from: app.directory.resourcesDirectory + "Strings"),
        methodModels: try MethodModelCatalog.loadShipped(from: app.directory.resourcesDirectory + "MethodModels"),
        timingDummyHash: try await passwords.hash(SecretToken.generate()),
        mail: config.smtp.map { SMTPMailSender(settings: $0, eventLoopGroup: app.eventLoopGroup, logger: app.logger) } ?? LogMailSender(logger: app.logger, writeBody: config.allowSyntheticIDs || config.seedDemoAtStart)
    )

    try await configureDatabase(app, config.database)
    app.auditBatcher = AuditBatcher(app: app)
    Migrations.register(on: app)

    // Outermost first. Access control runs last, after routing, when the route is known.
    app.middleware = Middlewares()
    let inFlight = InFlightRequests()
    app.middleware.use(inFlight)
    app.middleware.use(SecurityHeadersMiddleware(strictTransportSecurity: config.secureCookies))
    app.middleware.use(SamskapErrorMiddleware())
    app.middleware.use(RouteLoggingMiddleware(logLevel: .info))
    app.middleware.use(StaticFilesMiddleware(publicDirectory: app.directory.publicDirectory))
    app.middleware.use(AuthenticationMiddleware())
    app.middleware.use(CSRFMiddleware())
    app.middleware.use(AccessControlMiddleware())
    app.routes.defaultMaxBodySize = "1mb"

    app.views.use(.leaf)
    app.leaf.tags["t"] = TranslateTag()
    app.leaf.tags["options"] = OptionsTag()
    app.leaf.tags["cells"] = CellsTag()
    app.leaf.tags["criteria"] = CriteriaTag()
    app.leaf.tags["timeline"] = TimelineTag()
    app.leaf.tags["overviewRows"] = OverviewRowsTag()
    app.leaf.tags["looks"] = LooksTag()
    app.leaf.tags["portfolioRows"] = PortfolioRowsTag()
    app.leaf.tags["qualityRows"] = QualityRowsTag()

    Commands.register(on: app)
    try routes(app)
    // Shutdown runs lifecycle handlers in reverse order, then closes storage: the requests in
    // flight end before the databases and the write queues close (see ShutdownDrain).
    app.lifecycle.use(ShutdownDrain(inFlight: inFlight))
}

private func configureDatabase(_ app: Application, _ location: DatabaseLocation) async throws {
    switch location {
    case let .sqlite(path):
        app.databases.use(.sqlite(.file(path)), as: .sqlite)
        app.writeGate = WriteGate()
        app.writeBatcher = WriteBatcher(app: app)
        // WAL lets readers work while one writer commits; the setting is stored in the file.
        try await (app.db as! any SQLDatabase).raw("PRAGMA journal_mode=WAL").run()
        // Reads outside transactions on connections that keep their statements (`Request.readDB`).
        await app.useSQLiteReader(path: path)
        // Write transactions on connections of our own too (`Application.writeDB`).
        await app.useSQLiteWriter(path: path)
    case let .postgres(url):
        let configuration = try SQLPostgresConfiguration(url: url)
        // A burst of writes queues on the audit chain lock; wait for a connection rather than fail after 10 s.
        app.databases.use(.postgres(configuration: configuration, maxConnectionsPerEventLoop: 8, connectionPoolTimeout: .seconds(30)), as: .psql)
        // One write transaction at a time here too (see `WriteBatcher`): every write appends to the
        // audit chain under its lock until the commit, so they were serialized anyway.
        app.writeBatcher = WriteBatcher(app: app)
    }
}

/// Stops a thread pool when the app shuts down.
private struct ThreadPoolShutdown: LifecycleHandler {
    let pool: NIOThreadPool

    func shutdownAsync(_ application: Application) async {
        try? await pool.shutdownGracefully()
    }
}

/// Every migration, in order. Append only; never edit a shipped one.
enum Migrations {
    static let all: [any Migration] = [
        M0001_CreateOffices(),
        M0002_CreateUsers(),
        M0003_CreateSessions(),
        M0004_CreateAPITokens(),
        M0005_CreateAuditTrail(),
        M0006_CreateCandidates(),
        M0007_CreatePathways(),
        M0008_CreateEmployerRegister(),
        M0009_CreateFollowUp(),
        M0010_CreateWorkspace(),
        M0011_CreateReflection(),
        M0012_AddScaleIndexes(),
        M0013_AddNeedsActionAt(),
        M0014_AddQualityIndexes(),
        M0015_AddOfficeOverviewIndex(),
        M0016_AddAccessRequestRequesterIndex(),
        M0017_WidenPathwayEventsIndex(),
        M0018_CopyPathwayOwnersToObligations(),
    ]

    static func register(on app: Application) {
        for migration in all { app.migrations.add(migration) }
    }
}
