import Vapor

/// The app's own services, set once in `configure`.
public struct SamskapServices: Sendable {
    public var config: AppConfig
    public var clock: any AppClock
    public var passwords: any PasswordHasher
    public var strings: StringTables
    /// The shipped method models (validated at start) and the cache of stored versions.
    public var methodModels: MethodModelCatalog
    /// A bcrypt hash at the configured cost, checked when a username is unknown or locked, so
    /// those answers take as long as a real check.
    public var timingDummyHash: String
    /// Outgoing e-mail: SMTP when configured, otherwise the log.
    public var mail: any MailSender
}

extension Application {
    private struct ServicesKey: StorageKey {
        typealias Value = SamskapServices
    }

    public var samskap: SamskapServices {
        get {
            guard let services = storage[ServicesKey.self] else {
                fatalError("configure(_:) has not run: Samskap services are missing")
            }
            return services
        }
        set { storage[ServicesKey.self] = newValue }
    }
}

extension Request {
    public var samskap: SamskapServices { application.samskap }
    public var now: Date { application.samskap.clock.now() }

    /// The address people reach Samskap at, for links that leave the browser (calendar feeds,
    /// e-mail): `SAMSKAP_PUBLIC_URL`, else this request's host (required with SMTP, see `AppConfig`).
    var publicBaseURL: String {
        if let configured = samskap.config.publicBaseURL { return configured }
        let scheme = headers.first(name: "X-Forwarded-Proto") ?? (samskap.config.secureCookies ? "https" : "http")
        return "\(scheme)://\(headers.first(name: .host) ?? "localhost")"
    }
}
