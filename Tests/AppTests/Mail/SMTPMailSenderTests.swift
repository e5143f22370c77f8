@testable import App
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import Testing

@Suite("Sending e-mail over SMTP")
struct SMTPMailSenderTests {
    static let password = "et hemmelig passord"
    static let invitation = Mail(
        to: "kari.nordmann@example.no",
        subject: "Invitasjon til Samskap – æøå",
        body: "Hei Kari!\nDu er invitert til Samskap. Blåbærsyltetøy på Ærøy.\n.\nHilsen NAV\n"
    )

    @Test("Commands come in order, AUTH PLAIN is allowed over .none, and the message decodes to the original")
    func sendsMessage() async throws {
        let server = try await FakeSMTPServer.start()
        let logs = LogRecorder()
        try await Self.sender(server, username: "samskap", logger: logs.logger).send(Self.invitation)
        try await server.stop()

        let record = server.record
        let credentials = Data("\0samskap\0\(Self.password)".utf8).base64EncodedString()
        #expect(record.commands == [
            "EHLO samskap", "AUTH PLAIN \(credentials)", "MAIL FROM:<samskap@nav.example>",
            "RCPT TO:<kari.nordmann@example.no>", "DATA", "QUIT",
        ])
        let data = try #require(record.data)
        #expect(!data.replacingOccurrences(of: "\r\n", with: "").contains("\n"), "only CRLF line endings")
        #expect(data.components(separatedBy: "\r\n").allSatisfy { $0.utf8.count <= 78 })

        let (headers, body) = try Self.parse(data)
        #expect(headers["From"] == "samskap@nav.example")
        #expect(headers["To"] == "kari.nordmann@example.no")
        #expect(Self.decodeEncodedWords(try #require(headers["Subject"])) == "Invitasjon til Samskap – æøå")
        #expect(headers["MIME-Version"] == "1.0")
        #expect(headers["Content-Type"] == "text/plain; charset=utf-8")
        #expect(headers["Content-Transfer-Encoding"] == "base64")
        #expect(try #require(headers["Message-ID"]).wholeMatch(of: #/<[0-9a-f-]{36}@samskap>/#) != nil)
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        let date = try #require(headers["Date"])
        #expect(date.hasSuffix(" +0000"))
        #expect(formatter.date(from: date) != nil)

        let decoded = String(decoding: try #require(Data(base64Encoded: body, options: .ignoreUnknownCharacters)), as: UTF8.self)
        let lines = ["Hei Kari!", "Du er invitert til Samskap. Blåbærsyltetøy på Ærøy.", ".", "Hilsen NAV", ""]
        #expect(decoded == lines.joined(separator: "\r\n"), "the original text, with the CRLF line breaks MIME text requires")

        let logged = logs.entries
        #expect(!logged.isEmpty)
        #expect(logged.allSatisfy { $0.level == .debug })
        for secret in [Self.password, credentials, "Blåbærsyltetøy", body.prefix(40).description] {
            #expect(!logged.contains { $0.message.contains(secret) }, "never logged: \(secret)")
        }
    }

    @Test("Without credentials there is no AUTH")
    func withoutCredentials() async throws {
        let server = try await FakeSMTPServer.start()
        try await Self.sender(server, username: nil).send(Self.invitation)
        try await server.stop()
        #expect(server.record.commands.map { String($0.prefix(4)) } == ["EHLO", "MAIL", "RCPT", "DATA", "QUIT"])
    }

    @Test("A 550 to RCPT TO fails the send with the command and the server's (multi-line) reply")
    func rejectedRecipient() async throws {
        let server = try await FakeSMTPServer.start(.init(failure: .init(command: "RCPT TO", reply: "550-5.1.1 No such user\r\n550 5.1.1 Mailbox unavailable")))
        let error = await #expect(throws: SMTPError.self) { try await Self.sender(server, username: nil).send(Self.invitation) }
        try await server.stop()
        let text = String(describing: try #require(error))
        #expect(text.contains("RCPT"))
        #expect(text.contains("550"))
        #expect(text.contains("Mailbox unavailable"))
        #expect(server.record.data == nil)
    }

    @Test("A refused login names AUTH PLAIN and the reply, never the credentials")
    func refusedLogin() async throws {
        let server = try await FakeSMTPServer.start(.init(failure: .init(command: "AUTH", reply: "535 5.7.8 Authentication failed")))
        let error = await #expect(throws: SMTPError.self) { try await Self.sender(server, username: "samskap").send(Self.invitation) }
        try await server.stop()
        let text = String(describing: try #require(error))
        #expect(text.contains("AUTH PLAIN") && text.contains("535"))
        #expect(!text.contains(Self.password) && !text.contains(Data("\0samskap\0\(Self.password)".utf8).base64EncodedString()))
        #expect(server.record.commands.count == 2, "nothing after the failed AUTH")
    }

    @Test("Header injection throws before connecting", arguments: [
        (Mail(to: "kari@example.no", subject: "Hei\r\nBcc: x@example.no", body: "x"), "samskap@nav.example"),
        (Mail(to: "kari@example.no", subject: "Hei\nBcc: x@example.no", body: "x"), "samskap@nav.example"),
        (Mail(to: "kari@example.no\r\nBcc: x@example.no", subject: "Hei", body: "x"), "samskap@nav.example"),
        (Mail(to: "kari@example.no>\r\nRCPT TO:<x@example.no", subject: "Hei", body: "x"), "samskap@nav.example"),
        (Mail(to: "kari@example.no", subject: "Hei", body: "x"), "samskap@nav.example\r\nBcc: x@example.no"),
    ])
    func headerInjection(mail: Mail, from: String) async throws {
        let server = try await FakeSMTPServer.start()
        var settings = Self.settings(server, username: nil)
        settings.from = from
        let sender = SMTPMailSender(settings: settings, eventLoopGroup: MultiThreadedEventLoopGroup.singleton, logger: Logger(label: "smtp-test"))
        let error = await #expect(throws: SMTPError.self) { try await sender.send(mail) }
        try await server.stop()
        #expect(String(describing: try #require(error)).contains("nothing was sent"))
        #expect(server.record.connections == 0)
    }

    @Test("With STARTTLS chosen, a server that does not offer it gets neither credentials nor mail")
    func startTLSRequired() async throws {
        let server = try await FakeSMTPServer.start()
        let error = await #expect(throws: SMTPError.self) {
            try await Self.sender(server, security: .startTLS, username: "samskap").send(Self.invitation)
        }
        try await server.stop()
        #expect(String(describing: try #require(error)).contains("STARTTLS"))
        #expect(server.record.commands == ["EHLO samskap"])
    }

    @Test("After the reply to STARTTLS the client speaks TLS, not plain SMTP")
    func startTLSUpgrades() async throws {
        let server = try await FakeSMTPServer.start(.init(offersStartTLS: true))
        await #expect(throws: (any Error).self) { try await Self.sender(server, security: .startTLS, username: "samskap").send(Self.invitation) }
        try await server.stop()
        #expect(server.record.commands == ["EHLO samskap", "STARTTLS"])
        #expect(server.record.firstEncryptedByte == 0x16, "a TLS handshake record")
    }

    @Test("With .tls the very first bytes are a TLS handshake")
    func tlsFromTheStart() async throws {
        let server = try await FakeSMTPServer.start(.init(tlsFromStart: true))
        await #expect(throws: (any Error).self) { try await Self.sender(server, security: .tls, username: "samskap").send(Self.invitation) }
        try await server.stop()
        #expect(server.record.commands.isEmpty)
        #expect(server.record.firstEncryptedByte == 0x16)
    }

    @Test("Plain text sent unasked after the reply to STARTTLS ends the conversation (no response injection)")
    func startTLSInjection() async throws {
        let server = try await FakeSMTPServer.start(.init(offersStartTLS: true, injectAfterStartTLS: true))
        await #expect(throws: (any Error).self) { try await Self.sender(server, security: .startTLS, username: "samskap").send(Self.invitation) }
        try await server.stop()
        #expect(server.record.commands == ["EHLO samskap", "STARTTLS"])
        #expect(server.record.firstEncryptedByte == nil, "the client neither went on nor started TLS")
    }

    @Test("Long or non-ASCII subjects become folded encoded-words that never split a character")
    func encodedWords() throws {
        #expect(SMTPMessage.encodeHeaderText("Velkommen") == "Velkommen")
        let subject = String(repeating: "Møte om arbeidstrening på Ærøy – ", count: 4)
        let encoded = SMTPMessage.encodeHeaderText(subject)
        let lines = encoded.components(separatedBy: "\r\n")
        #expect(lines.count > 1)
        #expect(lines.allSatisfy { $0.utf8.count <= 76 && ($0 == lines[0] || $0.hasPrefix(" ")) })
        #expect(Self.decodeEncodedWords(encoded) == subject)
    }

    // MARK: - Helpers

    static func settings(_ server: FakeSMTPServer, security: SMTPSettings.Security = .none, username: String?) -> SMTPSettings {
        SMTPSettings(host: "127.0.0.1", port: server.port, security: security, username: username,
                     password: username == nil ? nil : password, from: "samskap@nav.example")
    }

    static func sender(_ server: FakeSMTPServer, security: SMTPSettings.Security = .none, username: String?,
                       logger: Logger = Logger(label: "smtp-test")) -> SMTPMailSender {
        SMTPMailSender(settings: settings(server, security: security, username: username),
                       eventLoopGroup: MultiThreadedEventLoopGroup.singleton, logger: logger)
    }

    /// Unfolded headers by name, and the body.
    static func parse(_ data: String) throws -> (headers: [String: String], body: String) {
        let parts = data.components(separatedBy: "\r\n\r\n")
        try #require(parts.count == 2)
        var headers: [String: String] = [:]
        for line in parts[0].replacingOccurrences(of: "\r\n ", with: " ").components(separatedBy: "\r\n") {
            let field = line.split(separator: ":", maxSplits: 1).map(String.init)
            try #require(field.count == 2)
            headers[field[0]] = field[1].trimmingCharacters(in: .whitespaces)
        }
        return (headers, parts[1])
    }

    /// Decodes a header made of RFC 2047 B encoded-words (the whitespace between them is not text).
    static func decodeEncodedWords(_ value: String) -> String? {
        var bytes = Data()
        for word in value.split(whereSeparator: \.isWhitespace) {
            guard word.hasPrefix("=?UTF-8?B?"), word.hasSuffix("?="),
                  let decoded = Data(base64Encoded: String(word.dropFirst(10).dropLast(2))) else { return nil }
            bytes.append(decoded)
        }
        return String(data: bytes, encoding: .utf8)
    }
}

/// Keeps every log entry, to check what the sender logs.
final class LogRecorder: Sendable {
    struct Entry: Sendable {
        var level: Logger.Level
        var message: String
    }

    private let box = NIOLockedValueBox<[Entry]>([])

    var entries: [Entry] { box.withLockedValue { $0 } }

    var logger: Logger {
        var logger = Logger(label: "smtp-test") { _ in Handler(recorder: self) }
        logger.logLevel = .trace
        return logger
    }

    private struct Handler: LogHandler {
        let recorder: LogRecorder
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            recorder.box.withLockedValue { $0.append(Entry(level: event.level, message: "\(event.message)")) }
        }
    }
}

/// A fake SMTP server on 127.0.0.1 that speaks just enough of the server side, records what it
/// receives and can be told to fail one command.
final class FakeSMTPServer: Sendable {
    struct Options: Sendable {
        struct Failure: Sendable {
            /// Prefix of the command to answer with `reply`.
            var command: String
            var reply: String
        }

        var failure: Failure?
        var offersStartTLS = false
        /// Sends a second, unasked reply right after "220" to STARTTLS.
        var injectAfterStartTLS = false
        /// Expects TLS from the first byte (port 465) and sends no greeting.
        var tlsFromStart = false
    }

    struct Record: Sendable {
        var connections = 0
        var commands: [String] = []
        var data: String?
        /// The first byte after the switch to TLS; a TLS handshake record starts with 0x16.
        var firstEncryptedByte: UInt8?
    }

    let port: Int
    private let channel: any Channel
    private let box: NIOLockedValueBox<Record>

    private init(port: Int, channel: any Channel, box: NIOLockedValueBox<Record>) {
        self.port = port
        self.channel = channel
        self.box = box
    }

    var record: Record { box.withLockedValue { $0 } }

    static func start(_ options: Options = .init()) async throws -> FakeSMTPServer {
        let box = NIOLockedValueBox(Record())
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(Handler(options: options, record: box))
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        return FakeSMTPServer(port: try #require(channel.localAddress?.port), channel: channel, box: box)
    }

    func stop() async throws {
        try await channel.close()
    }

    private final class Handler: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer

        private enum Mode { case commands, data, encrypted }

        let options: Options
        let record: NIOLockedValueBox<Record>
        private var mode = Mode.commands
        private var pending: [UInt8] = []

        init(options: Options, record: NIOLockedValueBox<Record>) {
            self.options = options
            self.record = record
        }

        func channelActive(context: ChannelHandlerContext) {
            record.withLockedValue { $0.connections += 1 }
            if options.tlsFromStart {
                mode = .encrypted
            } else {
                reply("220 fake.example ESMTP", context: context)
            }
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            pending += Array(buffer: unwrapInboundIn(data))
            while true {
                switch mode {
                case .encrypted:
                    guard let first = pending.first else { return }
                    record.withLockedValue { $0.firstEncryptedByte = $0.firstEncryptedByte ?? first }
                    pending = []
                    context.close(promise: nil)
                    return
                case .data:
                    guard let end = pending.firstRange(of: Array("\r\n.\r\n".utf8)) else { return }
                    let data = String(decoding: pending[..<end.lowerBound], as: UTF8.self)
                    pending.removeSubrange(..<end.upperBound)
                    record.withLockedValue { $0.data = data }
                    mode = .commands
                    reply("250 2.0.0 queued", context: context)
                case .commands:
                    guard let end = pending.firstRange(of: Array("\r\n".utf8)) else { return }
                    let line = String(decoding: pending[..<end.lowerBound], as: UTF8.self)
                    pending.removeSubrange(..<end.upperBound)
                    record.withLockedValue { $0.commands.append(line) }
                    answer(line, context: context)
                }
            }
        }

        private func answer(_ line: String, context: ChannelHandlerContext) {
            if let failure = options.failure, line.hasPrefix(failure.command) {
                return reply(failure.reply, context: context)
            }
            switch line {
            case _ where line.hasPrefix("EHLO "):
                let capabilities = ["fake.example", "AUTH PLAIN"] + (options.offersStartTLS ? ["STARTTLS"] : []) + ["8BITMIME"]
                let lines = capabilities.enumerated().map { "250\($0.offset == capabilities.count - 1 ? " " : "-")\($0.element)" }
                reply(lines.joined(separator: "\r\n"), context: context)
            case "STARTTLS":
                reply(options.injectAfterStartTLS ? "220 2.0.0 ready\r\n250 injected" : "220 2.0.0 ready", context: context)
                mode = .encrypted
            case _ where line.hasPrefix("AUTH PLAIN "):
                reply("235 2.7.0 accepted", context: context)
            case _ where line.hasPrefix("MAIL FROM:"), _ where line.hasPrefix("RCPT TO:"):
                reply("250 2.1.0 ok", context: context)
            case "DATA":
                reply("354 go ahead", context: context)
                mode = .data
            case "QUIT":
                let channel = context.channel
                context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: "221 bye\r\n"))).whenComplete { _ in channel.close(promise: nil) }
            default:
                reply("502 5.5.2 unknown command", context: context)
            }
        }

        private func reply(_ text: String, context: ChannelHandlerContext) {
            context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: text + "\r\n")), promise: nil)
        }
    }
}
