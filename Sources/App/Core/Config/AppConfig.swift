import Foundation

/// Where the data lives, parsed from `SAMSKAP_DATABASE_URL`.
public enum DatabaseLocation: Sendable, Equatable {
    case sqlite(path: String)
    case postgres(url: String)

    public static let defaultSQLitePath = "samskap.sqlite"

    /// Accepts `sqlite:PATH`, `sqlite://PATH`, `postgres://…` and `postgresql://…`.
    public static func parse(_ raw: String?) throws -> DatabaseLocation {
        guard let raw = raw?.trimmingCharacters(in: .whitespaces), !raw.isEmpty else {
            return .sqlite(path: defaultSQLitePath)
        }
        if raw.hasPrefix("postgres://") || raw.hasPrefix("postgresql://") {
            return .postgres(url: raw)
        }
        if raw.hasPrefix("sqlite:") {
            var path = String(raw.dropFirst("sqlite:".count))
            if path.hasPrefix("//") { path.removeFirst(2) }
            guard !path.isEmpty else { throw ConfigError.invalid("SAMSKAP_DATABASE_URL", "sqlite: mangler filsti, for eksempel sqlite:samskap.sqlite") }
            return .sqlite(path: path)
        }
        throw ConfigError.invalid("SAMSKAP_DATABASE_URL", "må starte med sqlite: eller postgres:// (fikk «\(raw.prefix(20))…»)")
    }

    public var kindName: String {
        switch self {
        case .sqlite: "SQLite"
        case .postgres: "PostgreSQL"
        }
    }
}

public enum ConfigError: Error, CustomStringConvertible {
    case invalid(String, String)

    public var description: String {
        switch self {
        case let .invalid(name, problem): "Ugyldig \(name): \(problem)"
        }
    }
}

/// All configuration, read once from the environment at start.
public struct AppConfig: Sendable {
    public var database: DatabaseLocation
    /// Adds `Secure` to cookies; set `SAMSKAP_SECURE_COOKIES=1` behind HTTPS.
    public var secureCookies: Bool
    /// A session ends after this long without a request.
    public var sessionIdleTimeout: TimeInterval
    /// Failed logins in a row before the account is locked.
    public var lockoutThreshold: Int
    public var lockoutDuration: TimeInterval
    public var bcryptCost: Int
    /// The shared demo password; generated at seeding when not set.
    public var demoPassword: String?
    /// Seed demo data at start (`serve --demo`).
    public var seedDemoAtStart: Bool
    /// Accept synthetic national ID numbers (month + 40 or + 80): demo and test data only.
    /// `SAMSKAP_ALLOW_SYNTHETIC_IDS=1`; `serve --demo` turns it on.
    public var allowSyntheticIDs: Bool
    /// Holiday pay, pension and employer tax added to a mentor's wage in the mentor subsidy:
    /// `SAMSKAP_MENTOR_HOLIDAY_PAY_PERCENT`, `…_PENSION_PERCENT`, `…_EMPLOYER_TAX_PERCENT` (defaults 12, 2, 14.1).
    public var subsidyRates: SubsidyRates = .standard
    /// The address people reach Samskap at (`SAMSKAP_PUBLIC_URL`, e.g. https://samskap.nav.example),
    /// for links that leave the browser, such as calendar feeds. Without it, the request's host is used.
    public var publicBaseURL: String?
    /// Outgoing e-mail (`SAMSKAP_SMTP_HOST`, `…_PORT`, `…_SECURITY`, `…_USERNAME`, `…_PASSWORD`, `…_FROM`);
    /// nil writes e-mail to the log instead.
    public var smtp: SMTPSettings?

    public init(
        database: DatabaseLocation = .sqlite(path: DatabaseLocation.defaultSQLitePath),
        secureCookies: Bool = false,
        sessionIdleTimeout: TimeInterval = 30 * 60,
        lockoutThreshold: Int = 5,
        lockoutDuration: TimeInterval = 15 * 60,
        bcryptCost: Int = 12,
        demoPassword: String? = nil,
        seedDemoAtStart: Bool = false,
        allowSyntheticIDs: Bool = false
    ) {
        self.database = database
        self.secureCookies = secureCookies
        self.sessionIdleTimeout = sessionIdleTimeout
        self.lockoutThreshold = lockoutThreshold
        self.lockoutDuration = lockoutDuration
        self.bcryptCost = bcryptCost
        self.demoPassword = demoPassword
        self.seedDemoAtStart = seedDemoAtStart
        self.allowSyntheticIDs = allowSyntheticIDs
    }

    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) throws -> AppConfig {
        var config = AppConfig()
        config.database = try DatabaseLocation.parse(env["SAMSKAP_DATABASE_URL"])
        config.secureCookies = env["SAMSKAP_SECURE_COOKIES"] == "1"
        config.allowSyntheticIDs = env["SAMSKAP_ALLOW_SYNTHETIC_IDS"] == "1"
        if let raw = env["SAMSKAP_SESSION_IDLE_MINUTES"] {
            guard let minutes = Int(raw), (1...24 * 60).contains(minutes) else {
                throw ConfigError.invalid("SAMSKAP_SESSION_IDLE_MINUTES", "må være et helt antall minutter mellom 1 og 1440")
            }
            config.sessionIdleTimeout = TimeInterval(minutes * 60)
        }
        if let raw = env["SAMSKAP_BCRYPT_COST"] {
            guard let cost = Int(raw), (4...31).contains(cost) else {
                throw ConfigError.invalid("SAMSKAP_BCRYPT_COST", "må være et tall mellom 4 og 31")
            }
            config.bcryptCost = cost
        }
        for (name, path) in [("SAMSKAP_MENTOR_HOLIDAY_PAY_PERCENT", \SubsidyRates.holidayPay), ("SAMSKAP_MENTOR_PENSION_PERCENT", \SubsidyRates.pension),
                             ("SAMSKAP_MENTOR_EMPLOYER_TAX_PERCENT", \SubsidyRates.employerTax)] {
            guard let raw = env[name] else { continue }
            guard let percent = Decimal(string: raw.replacingOccurrences(of: ",", with: "."), locale: Locale(identifier: "en_US_POSIX")),
                  percent >= 0, percent <= 100 else {
                throw ConfigError.invalid(name, "må være en prosentsats mellom 0 og 100, for eksempel 14.1")
            }
            config.subsidyRates[keyPath: path] = percent / 100
        }
        if let raw = env["SAMSKAP_PUBLIC_URL"], !raw.isEmpty {
            guard let url = URL(string: raw), let scheme = url.scheme, ["http", "https"].contains(scheme), url.host != nil else {
                throw ConfigError.invalid("SAMSKAP_PUBLIC_URL", "må være en full adresse, for eksempel https://samskap.example.no")
            }
            config.publicBaseURL = raw.hasSuffix("/") ? String(raw.dropLast()) : raw
        }
        if let host = env["SAMSKAP_SMTP_HOST"], !host.isEmpty {
            let security = try SMTPSettings.Security(rawValue: env["SAMSKAP_SMTP_SECURITY"] ?? "starttls")
                .orThrow(ConfigError.invalid("SAMSKAP_SMTP_SECURITY", "må være starttls, tls eller none"))
            let defaultPort = security == .tls ? 465 : (security == .startTLS ? 587 : 25)
            let port = try env["SAMSKAP_SMTP_PORT"].map { raw in
                try Int(raw).flatMap { (1...65_535).contains($0) ? $0 : nil }.orThrow(ConfigError.invalid("SAMSKAP_SMTP_PORT", "må være et portnummer"))
            } ?? defaultPort
            guard let from = env["SAMSKAP_SMTP_FROM"], from.contains("@") else {
                throw ConfigError.invalid("SAMSKAP_SMTP_FROM", "må være avsenderens e-postadresse når SAMSKAP_SMTP_HOST er satt")
            }
            config.smtp = SMTPSettings(host: host, port: port, security: security, username: env["SAMSKAP_SMTP_USERNAME"],
                                       password: env["SAMSKAP_SMTP_PASSWORD"], from: from)
            // Links in real e-mail must never be built from a request's Host header, which a caller chooses.
            guard config.publicBaseURL != nil else {
                throw ConfigError.invalid("SAMSKAP_PUBLIC_URL", "må være satt når SAMSKAP_SMTP_HOST er satt, så lenker i e-post peker til Samskap")
            }
        }
        if let password = env["SAMSKAP_DEMO_PASSWORD"], !password.isEmpty {
            guard password.count >= PasswordPolicy.minimumLength else {
                throw ConfigError.invalid("SAMSKAP_DEMO_PASSWORD", "må ha minst \(PasswordPolicy.minimumLength) tegn")
            }
            config.demoPassword = password
        }
        return config
    }
}

extension Optional {
    func orThrow(_ error: @autoclosure () -> some Error) throws -> Wrapped {
        guard let self else { throw error() }
        return self
    }
}
