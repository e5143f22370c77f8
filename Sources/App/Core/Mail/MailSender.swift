import Foundation
import Logging
import NIOConcurrencyHelpers

/// One e-mail: plain text only, to one person.
public struct Mail: Sendable, Equatable {
    public var to: String
    public var subject: String
    public var body: String

    public init(to: String, subject: String, body: String) {
        self.to = to
        self.subject = subject
        self.body = body
    }
}

/// Sends e-mail. SMTP when `SAMSKAP_SMTP_HOST` is set (`SMTPMailSender`), otherwise the log
/// (`LogMailSender`, for the demo and development); tests record what would have been sent.
public protocol MailSender: Sendable {
    func send(_ mail: Mail) async throws
}

/// Used when SMTP is not configured. With demo data (synthetic national IDs allowed) it writes each
/// e-mail to the log — the demo's way to read invitation links and one-time codes. Otherwise it
/// refuses: a real deployment must not put sign-in links and codes where log readers see them.
public struct LogMailSender: MailSender {
    public struct NotConfigured: Error, CustomStringConvertible {
        public var description: String { "SMTP er ikke satt opp (SAMSKAP_SMTP_HOST); e-post kan ikke sendes" }
    }

    let logger: Logger
    let writeBody: Bool

    public init(logger: Logger, writeBody: Bool) {
        self.logger = logger
        self.writeBody = writeBody
    }

    public func send(_ mail: Mail) async throws {
        guard writeBody else {
            logger.warning("E-post til \(mail.to) ikke sendt: SMTP er ikke satt opp")
            throw NotConfigured()
        }
        logger.notice("E-post (ikke sendt, SMTP er ikke satt opp) til \(mail.to): \(mail.subject)\n\(mail.body)")
    }
}

/// Keeps every e-mail in memory (tests).
public final class RecordingMailSender: MailSender {
    private let box = NIOLockedValueBox<[Mail]>([])

    public init() {}

    public func send(_ mail: Mail) async throws { box.withLockedValue { $0.append(mail) } }

    public var sent: [Mail] { box.withLockedValue { $0 } }
}

/// How to reach the SMTP server, from the environment (see README, configuration).
public struct SMTPSettings: Sendable, Equatable {
    public enum Security: String, Sendable {
        /// Plain connection upgraded with STARTTLS (port 587).
        case startTLS = "starttls"
        /// TLS from the first byte (port 465).
        case tls
        /// No encryption: only for a relay on the same machine or in tests.
        case none
    }

    public var host: String
    public var port: Int
    public var security: Security
    public var username: String?
    public var password: String?
    /// The sender address, e.g. samskap@nav.example.
    public var from: String

    public init(host: String, port: Int, security: Security, username: String?, password: String?, from: String) {
        self.host = host
        self.port = port
        self.security = security
        self.username = username
        self.password = password
        self.from = from
    }
}
