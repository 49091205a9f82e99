// Translation-core throughput: walks/s and maps/s on a 4-level and a tiny format, and nested
// 4×4 walks. Run by hand, never in CI:
//
//     swift run -c release translation-bench
//
import Explorer
import IOASIDModel

let clock = ContinuousClock()

/// Runs `body` in rounds until about `seconds` pass; returns operations per second.
func measure(_ name: String, seconds: Double = 1.0, _ body: () -> Int) -> (String, Double) {
    var ops = 0
    let start = clock.now
    var elapsed: Duration = .zero
    repeat {
        ops += body()
        elapsed = clock.now - start
    } while elapsed < .milliseconds(Int(seconds * 1000))
    return (name, Double(ops) / elapsed.inSeconds)
}

var sink: UInt64 = 0

/// A table with `count` scattered areas of mixed sizes, and the addresses to walk in it.
func populated(_ preset: FormatPreset, window: UInt64, areas: Int) -> (PageTable, [UInt64]) {
    var table = PageTable(preset: preset)
    var rng: UInt64 = 0x1234_5678
    func next() -> UInt64 { rng = rng &* 6364136223846793005 &+ 1442695040888963407; return rng >> 17 }
    let page = table.pageSizes.smallest
    var addresses: [UInt64] = []
    for _ in 0..<areas * 4 where addresses.count < areas {
        let iova = next() % (window / page) * page
        let size = page * (1 + next() % 8)
        if (try? table.map(iova: iova, paddr: iova ^ (next() % 2 == 0 ? 0 : page), size: size, permissions: .readWrite)) != nil {
            addresses.append(iova)
        }
    }
    return (table, addresses)
}

var rows: [(String, Double)] = []

for (preset, window) in [(FormatPreset.armLPAE4K, UInt64(1) << 32), (.tiny2x2, UInt64(1) << 16)] {
    let (table, addresses) = populated(preset, window: window, areas: preset == .tiny2x2 ? 6 : 2000)
    rows.append(measure("walk \(preset.rawValue) (\(table.leaves.count) leaves)") {
        for a in addresses { if case .translated(let t) = table.walk(a, access: .read) { sink &+= t.output } }
        return addresses.count
    })
    rows.append(measure("map+unmap \(preset.rawValue)") {
        var t = PageTable(preset: preset)
        let page = t.pageSizes.smallest
        var n = 0
        for i in 0..<UInt64(8) {
            let iova = i * 4 * page
            if (try? t.map(iova: iova, paddr: iova + page * (i % 2), size: 4 * page, permissions: .read)) != nil { n += 1 }
        }
        for i in 0..<UInt64(8) { sink &+= t.unmap(iova: i * 4 * page, size: 4 * page) }
        return n
    })
}

// Nested 4×4: a guest arm-lpae-4k stage 1 over a host arm-lpae-4k stage 2 with 4K leaves.
var s2 = PageTable(preset: .armLPAE4K)
try s2.map(iova: 0x100_0000, paddr: 0x8000_1000, size: 1 << 20, permissions: .readWrite, stage: .stage2)
try s2.map(iova: 0x200_0000, paddr: 0x9000_1000, size: 1 << 20, permissions: .readWrite, stage: .stage2)
var s1 = PageTable(preset: .armLPAE4K, rootAddress: 0x100_0000)
try s1.map(iova: 0, paddr: 0x200_0000, size: 1 << 20, permissions: .readWrite, placement: .guest(first: nil))
let nestedAddresses = (0..<256).map { UInt64($0) << 12 }
if NestedWalk.walk(stage1: s1, stage2: s2, iova: 0).translation?.refs != 24 { print("warning: nested walk is not 24 references") }
rows.append(measure("nested walk 4x4 (24 refs)") {
    for a in nestedAddresses { if case .translated(let t) = NestedWalk.walk(stage1: s1, stage2: s2, iova: a, access: .read) { sink &+= t.output } }
    return nestedAddresses.count
})

func pad(_ s: String, _ n: Int) -> String { s + String(repeating: " ", count: max(0, n - s.count)) }
let width = rows.map(\.0.count).max() ?? 0
print(pad("benchmark", width) + "   ops/s")
for (name, rate) in rows {
    let text = rate >= 1e6 ? "\(Int(rate / 1e5) / 10).\(Int(rate / 1e5) % 10)M" : "\(Int(rate / 1e3))K"
    print(pad(name, width) + "   " + text)
}
if sink == 42 { print("") }
