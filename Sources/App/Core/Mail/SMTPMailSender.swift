import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL

/// Sends each e-mail over its own SMTP connection (RFC 5321, one command at a time).
///
/// Credentials are only ever sent encrypted, except when `security` is `.none`, which is an
/// explicit choice for a relay on the same machine: with `.startTLS` a server that does not offer
/// STARTTLS is an error, never a reason to go on in plain text.
public struct SMTPMailSender: MailSender {
    let settings: SMTPSettings
    let eventLoopGroup: any EventLoopGroup
    let logger: Logger

    /// A dead or stalled server must fail the request instead of hanging it: at most the connect
    /// timeout to connect, then the conversation timeout for everything else.
    static let connectTimeout = TimeAmount.seconds(10)
    static let conversationTimeout = TimeAmount.seconds(30)

    public init(settings: SMTPSettings, eventLoopGroup: any EventLoopGroup, logger: Logger) {
        self.settings = settings
        self.eventLoopGroup = eventLoopGroup
        self.logger = logger
    }

    public func send(_ mail: Mail) async throws {
        // Built (and checked for header injection) before connecting, so a bad mail never reaches the server.
        let message = try SMTPMessage(mail: mail, from: settings.from)
        // Default verification: the system's trust roots and the server's name (or IP address).
        let tlsContext = try NIOSSLContext(configuration: .makeClientConfiguration())
        logger.debug("SMTP: connecting to \(settings.host):\(settings.port) (\(settings.security.rawValue))")
        let connection = try await connect(tlsContext: tlsContext)

        // Closing the channel makes the pending read or write fail, which ends the conversation.
        let timedOut = NIOLockedValueBox(false)
        let deadline = connection.channel.eventLoop.scheduleTask(in: Self.conversationTimeout) {
            timedOut.withLockedValue { $0 = true }
            connection.channel.close(promise: nil)
        }
        defer { deadline.cancel() }
        do {
            try await connection.executeThenClose { inbound, outbound in
                var session = SMTPSession(replies: inbound.makeAsyncIterator(), outbound: outbound, logger: logger)
                try await converse(&session, message: message, channel: connection.channel, tlsContext: tlsContext)
            }
        } catch {
            if timedOut.withLockedValue({ $0 }) { throw SMTPError.timedOut }
            throw error
        }
    }

    private func connect(tlsContext: NIOSSLContext) async throws -> NIOAsyncChannel<SMTPReply, ByteBuffer> {
        let security = settings.security, serverHostname = serverHostname
        return try await ClientBootstrap(group: eventLoopGroup)
            .connectTimeout(Self.connectTimeout)
            .connect(host: settings.host, port: settings.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    if security == .tls {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: tlsContext, serverHostname: serverHostname))
                    }
                    try channel.pipeline.syncOperations.addHandler(SMTPReplyHandler())
                    return try NIOAsyncChannel(wrappingChannelSynchronously: channel)
                }
            }
    }

    /// SNI takes names only; for an IP address NIOSSL checks the certificate against the address instead.
    private var serverHostname: String? {
        (try? SocketAddress(ipAddress: settings.host, port: 0)) == nil ? settings.host : nil
    }

    private func converse(_ session: inout SMTPSession, message: SMTPMessage, channel: any Channel, tlsContext: NIOSSLContext) async throws {
        try await session.exchange(nil, name: "greeting", expecting: [220])
        let hello = try await session.exchange("EHLO samskap", name: "EHLO", expecting: [250])
        if settings.security == .startTLS {
            guard hello.lines.dropFirst().contains(where: { $0.uppercased() == "STARTTLS" }) else { throw SMTPError.startTLSNotOffered }
            try await session.exchange("STARTTLS", name: "STARTTLS", expecting: [220])
            let serverHostname = serverHostname
            try await channel.eventLoop.submit {
                try channel.pipeline.syncOperations.addHandler(
                    NIOSSLClientHandler(context: tlsContext, serverHostname: serverHostname), position: .first
                )
            }.get()
            // What the server said before TLS cannot be trusted (RFC 3207, 4.2).
            try await session.exchange("EHLO samskap", name: "EHLO", expecting: [250])
        }
        if let username = settings.username, let password = settings.password {
            let credentials = Data("\0\(username)\0\(password)".utf8).base64EncodedString()
            try await session.exchange("AUTH PLAIN \(credentials)", name: "AUTH PLAIN", expecting: [235])
        }
        try await session.exchange("MAIL FROM:<\(message.from)>", name: "MAIL FROM", expecting: [250])
        try await session.exchange("RCPT TO:<\(message.to)>", name: "RCPT TO", expecting: [250, 251])
        try await session.exchange("DATA", name: "DATA", expecting: [354])
        let accepted = try await session.exchange(message.data + "\r\n.", name: "end of DATA", expecting: [250])
        logger.debug("SMTP: message accepted: \(accepted)")
        // The message is accepted: a failed QUIT must not make the caller send it again.
        do {
            try await session.exchange("QUIT", name: "QUIT", expecting: [221])
        } catch {
            logger.debug("SMTP: QUIT failed after the message was accepted: \(error)")
        }
    }
}

/// Why an e-mail was not sent. The texts name the SMTP step and the server's reply, never the
/// credentials or the message.
enum SMTPError: Error, CustomStringConvertible {
    case invalidHeader(field: String)
    case unexpectedReply(command: String, reply: SMTPReply)
    case startTLSNotOffered
    case connectionClosed(during: String)
    case malformedReply
    case unsolicitedReply
    case timedOut

    var description: String {
        switch self {
        case .invalidHeader(let field): "SMTP: the \(field) contains a line break or another character not allowed there; nothing was sent"
        case .unexpectedReply(let command, let reply): "SMTP: the server answered \(command) with \(reply)"
        case .startTLSNotOffered: "SMTP: the server does not offer STARTTLS; refusing to go on unencrypted"
        case .connectionClosed(let step): "SMTP: the server closed the connection during \(step)"
        case .malformedReply: "SMTP: the server sent a malformed reply"
        case .unsolicitedReply: "SMTP: the server sent data nobody asked for"
        case .timedOut: "SMTP: no answer within \(SMTPMailSender.conversationTimeout.nanoseconds / 1_000_000_000) seconds"
        }
    }
}

/// One server reply: "250-first\r\n250 last" is code 250 with lines ["first", "last"].
struct SMTPReply: Sendable, CustomStringConvertible {
    var code: Int
    var lines: [String]

    /// Shortened: it ends up in error messages and logs.
    var description: String { String("\(code) \(lines.joined(separator: " / "))".prefix(300)) }
}

/// One conversation over an open connection.
struct SMTPSession {
    var replies: NIOAsyncChannelInboundStream<SMTPReply>.AsyncIterator
    let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    let logger: Logger

    /// Sends `line` (nothing for the greeting) and returns the reply if its code is expected.
    /// `name` stands for the command in logs and errors, so it must not contain secrets.
    @discardableResult
    mutating func exchange(_ line: String?, name: String, expecting expected: Set<Int>) async throws -> SMTPReply {
        if let line { try await outbound.write(ByteBuffer(string: line + "\r\n")) }
        guard let reply = try await replies.next() else { throw SMTPError.connectionClosed(during: name) }
        logger.debug("SMTP: \(name) answered \(reply.code)")
        guard expected.contains(reply.code) else { throw SMTPError.unexpectedReply(command: name, reply: reply) }
        return reply
    }
}

/// Splits the server's bytes into replies, exactly one per command sent (no PIPELINING).
/// Anything the server sends unasked is an error: bytes sent in plain text after the reply to
/// STARTTLS would otherwise pass for replies that came through TLS (response injection).
final class SMTPReplyHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = SMTPReply
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// Real replies are short; anything longer is a broken or hostile server.
    static let maxLineLength = 1000
    static let maxLines = 100

    private var buffer = ByteBuffer()
    private var lines: [String] = []
    private var code: Int?
    /// The greeting comes unasked; every write is one command and earns one reply.
    private var awaitedReplies = 1

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        awaitedReplies += 1
        context.write(data, promise: promise)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var incoming = unwrapInboundIn(data)
        buffer.writeBuffer(&incoming)
        // Replies are passed on only once the whole read is known to be sound, so that a reply
        // followed by unasked bytes fails the command it answers with the real reason.
        var replies: [SMTPReply] = []
        do {
            while let reply = try nextReply() { replies.append(reply) }
        } catch {
            context.fireErrorCaught(error)
            context.close(promise: nil)
            return
        }
        for reply in replies { context.fireChannelRead(wrapInboundOut(reply)) }
    }

    private func nextReply() throws -> SMTPReply? {
        while true {
            guard buffer.readableBytes == 0 || awaitedReplies > 0 else { throw SMTPError.unsolicitedReply }
            guard let newline = buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) else {
                guard buffer.readableBytes <= Self.maxLineLength else { throw SMTPError.malformedReply }
                return nil
            }
            var bytes = buffer.readBytes(length: newline - buffer.readerIndex + 1)!
            bytes.removeLast()
            if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
            guard bytes.count >= 3, bytes.count <= Self.maxLineLength, lines.count < Self.maxLines,
                  let lineCode = Int(String(decoding: bytes[0..<3], as: UTF8.self)), (200...599).contains(lineCode),
                  code == nil || code == lineCode
            else { throw SMTPError.malformedReply }
            let separator = bytes.count > 3 ? bytes[3] : UInt8(ascii: " ")
            guard separator == UInt8(ascii: " ") || separator == UInt8(ascii: "-") else { throw SMTPError.malformedReply }
            lines.append(bytes.count > 4 ? String(decoding: bytes[4...], as: UTF8.self) : "")
            code = lineCode
            if separator == UInt8(ascii: " ") {
                let reply = SMTPReply(code: lineCode, lines: lines)
                lines = []
                code = nil
                awaitedReplies -= 1
                return reply
            }
        }
    }
}

/// The DATA of one e-mail (RFC 5322 and MIME), without the terminating ".".
///
/// The body is base64 and every other line is a header or a folded header starting with a
/// space, so no line can be a lone "." and no dot-stuffing is needed.
struct SMTPMessage {
    let from: String
    let to: String
    let data: String

    init(mail: Mail, from: String, date: Date = Date(), messageID: UUID = UUID()) throws {
        try Self.checkAddress(from, field: "sender address")
        try Self.checkAddress(mail.to, field: "recipient address")
        guard !mail.subject.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw SMTPError.invalidHeader(field: "subject")
        }
        self.from = from
        self.to = mail.to
        // MIME text is sent with CRLF line breaks, whatever the body used.
        let body = mail.body.reduce(into: "") { text, character in
            text += character == "\n" || character == "\r" || character == "\r\n" ? "\r\n" : String(character)
        }
        let headers = [
            "From: \(from)",
            "To: \(mail.to)",
            "Subject: \(Self.encodeHeaderText(mail.subject))",
            "Date: \(Self.dateFormatter().string(from: date))",
            "Message-ID: <\(messageID.uuidString.lowercased())@samskap>",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: base64",
        ]
        // Base64 lines of at most 76 characters (RFC 2045).
        let base64 = Array(Data(body.utf8).base64EncodedString().utf8)
        let bodyLines = stride(from: 0, to: base64.count, by: 76).map {
            String(decoding: base64[$0..<min($0 + 76, base64.count)], as: UTF8.self)
        }
        data = (headers + [""] + bodyLines).joined(separator: "\r\n")
    }

    /// A bare address (`name@domain`) in printable ASCII: anything else could break out of the
    /// header or the `<...>` of MAIL FROM and RCPT TO.
    private static func checkAddress(_ address: String, field: String) throws {
        let valid = address.contains("@") && address.unicodeScalars.allSatisfy {
            (0x21...0x7E).contains($0.value) && !"<>,;".unicodeScalars.contains($0)
        }
        guard valid else { throw SMTPError.invalidHeader(field: field) }
    }

    /// Plain when it is short printable ASCII, otherwise RFC 2047 encoded-words of at most 42
    /// UTF-8 bytes each (never splitting a character), folded one per line.
    static func encodeHeaderText(_ text: String) -> String {
        let plain = text.utf8.count <= 66 && !text.contains("=?") && text.unicodeScalars.allSatisfy { (0x20...0x7E).contains($0.value) }
        if plain { return text }
        var chunks: [String] = [""]
        for character in text {
            if chunks[chunks.count - 1].utf8.count + character.utf8.count > 42 { chunks.append("") }
            chunks[chunks.count - 1].append(character)
        }
        return chunks.map { "=?UTF-8?B?\(Data($0.utf8).base64EncodedString())?=" }.joined(separator: "\r\n ")
    }

    /// RFC 5322 date, e.g. "Tue, 03 Mar 2026 14:05:09 +0000".
    private static func dateFormatter() -> DateFormatter {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(secondsFromGMT: 0)
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        return formatter
    }
}
