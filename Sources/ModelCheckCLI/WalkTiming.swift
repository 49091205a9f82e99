import Explorer
import IOASIDModel

/// Measures walk throughput on a vector file's own tables and addresses.
enum WalkTiming {
    /// Walks per second over the file's walk steps, repeated for about `seconds`.
    static func walksPerSecond(_ file: VectorFile, seconds: Double = 0.02) -> Double? {
        let work = VectorRunner.walkWorkload(file)
        guard !work.isEmpty else { return nil }
        let clock = ContinuousClock()
        var walks = 0
        var sink: UInt64 = 0
        let start = clock.now
        var elapsed: Duration = .zero
        repeat {
            for item in work {
                if case .translated(let t) = item.tables.walk(item.choice, iova: item.iova, access: item.access) { sink &+= t.output }
                walks += 1
            }
            elapsed = clock.now - start
        } while elapsed < .milliseconds(Int(seconds * 1000))
        // Keeps the walks from being optimised away.
        if sink == 0x5eed_5eed_5eed_5eed { walks += 1 }
        return Double(walks) / max(elapsed.inSeconds, 1e-9)
    }
}

/// Plain-text tables with aligned columns.
enum Table {
    static func render(header: [String], rows: [[String]], rightAligned: Set<Int>) -> String {
        let all = [header] + rows
        let widths = header.indices.map { c in all.map { $0[c].count }.max() ?? 0 }
        return all.map { row in
            row.indices.map { c in
                let pad = String(repeating: " ", count: widths[c] - row[c].count)
                return rightAligned.contains(c) ? pad + row[c] : row[c] + pad
            }.joined(separator: "  ").trimmingSpaces
        }.joined(separator: "\n")
    }

    /// `12.3M`, `845.1K`, `950`.
    static func rate(_ r: Double) -> String {
        if r >= 1e6 { return String(format1: r / 1e6) + "M" }
        if r >= 1e3 { return String(format1: r / 1e3) + "K" }
        return String(Int(r))
    }
}

extension String {
    /// One decimal place, without Foundation's formatter.
    init(format1 value: Double) {
        let tenths = Int((value * 10).rounded())
        self = "\(tenths / 10).\(tenths % 10)"
    }
}
