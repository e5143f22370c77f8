import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The progress line on the terminal: phase, bar, percent, rows per second and time left. On a
/// terminal it is redrawn in place at most five times a second; otherwise (a log, a pipe) one line
/// per phase at 0, 25, 50, 75 and 100 %.
final class ScaleProgress: @unchecked Sendable {
    private let interactive: Bool
    private let output: (String) -> Void
    private var phase = ""
    private var total = 1
    private var done = 0
    private var rows = 0
    private var started = Date()
    private var lastDraw = Date.distantPast
    private var nextQuarter = 0
    private(set) var phaseTimes: [(name: String, seconds: Double, rows: Int)] = []

    init(interactive: Bool? = nil, output: ((String) -> Void)? = nil) {
        self.interactive = interactive ?? (isatty(STDOUT_FILENO) == 1)
        self.output = output ?? { text in FileHandle.standardOutput.write(Data(text.utf8)) }
    }

    func start(_ phase: String, total: Int) {
        self.phase = phase
        self.total = max(1, total)
        done = 0
        rows = 0
        started = Date()
        lastDraw = .distantPast
        nextQuarter = 0
        draw(force: true)
    }

    func advance(units: Int = 0, rows newRows: Int = 0) {
        done = min(total, done + units)
        rows += newRows
        draw(force: false)
    }

    func end() {
        done = total
        draw(force: true)
        if interactive { output("\n") }
        phaseTimes.append((phase, Date().timeIntervalSince(started), rows))
    }

    private func draw(force: Bool) {
        let now = Date()
        let fraction = Double(done) / Double(total)
        if interactive {
            guard force || now.timeIntervalSince(lastDraw) >= 0.2 else { return }
            lastDraw = now
            let width = 30
            let filled = Int(fraction * Double(width))
            let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
            output("\r\(line(fraction: fraction, now: now, bar: bar))\u{1B}[K")
        } else {
            let percent = Int(fraction * 100)
            guard percent >= nextQuarter * 25 else { return }
            while nextQuarter * 25 <= percent { nextQuarter += 1 }
            output(line(fraction: fraction, now: now, bar: nil) + "\n")
        }
    }

    private func line(fraction: Double, now: Date, bar: String?) -> String {
        let elapsed = now.timeIntervalSince(started)
        let rate = elapsed > 0 ? Double(rows) / elapsed : 0
        let left = fraction > 0.001 && fraction < 1 ? elapsed / fraction - elapsed : 0
        let percent = String(format: "%3d %%", Int(fraction * 100))
        let parts = [phase.padding(toLength: 22, withPad: " ", startingAt: 0), bar, percent,
                     "\(Self.number(Int(rate))) rader/s", fraction < 1 ? "gjenstår \(Self.duration(left))" : "ferdig på \(Self.duration(elapsed))"]
        return parts.compactMap { $0 }.joined(separator: "  ")
    }

    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 60 ? "\(s / 60) min \(s % 60) s" : "\(s) s"
    }

    /// 1234567 → "1 234 567".
    static func number(_ value: Int) -> String {
        let digits = Array(String(value))
        var out = ""
        for (i, d) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out += "\u{00A0}" }
            out.append(d)
        }
        return out
    }
}
