import Testing
@testable import IOASIDModel

/// The flat reference: page → (output, permissions), as iommufd's areas would say, with no
/// notion of levels, tables or page sizes.
struct FlatReference {
    let page: UInt64
    var pages: [UInt64: (output: UInt64, permissions: Permissions)] = [:]
    /// Mapped areas: what a caller that unmaps only what it mapped (iommufd, VFIO) may unmap.
    var areas: [(iova: UInt64, size: UInt64)] = []

    func isFree(_ iova: UInt64, _ size: UInt64) -> Bool {
        stride(from: iova, to: iova + size, by: Int(page)).allSatisfy { pages[$0] == nil }
    }
}

/// Random map/unmap sequences compared, after every step and at every page of the window, with
/// the flat reference model (`translation.md` §2–§3). Maps go to free ranges at random alignments
/// (so all page sizes and the greedy splits occur); unmaps are of whole areas or runs of adjacent
/// areas (exact byte count required, under every large-leaf behaviour), or of arbitrary aligned
/// ranges (checked: nothing that stays mapped changes, `refuse`/`split` remove nothing outside the
/// range, and the bytes returned are at least the bytes removed).
@Suite struct PageTablePropertyTests {
    struct Setup: Sendable, CustomTestStringConvertible {
        var preset: FormatPreset
        var window: UInt64
        var steps: Int
        var seed: UInt64
        var testDescription: String { "\(preset.rawValue), \(steps) steps, seed \(seed)" }
    }

    @Test(arguments: [
        Setup(preset: .tiny2x2, window: 64 << 10, steps: 4000, seed: 1),
        Setup(preset: .tiny3x1, window: 32 << 10, steps: 3000, seed: 2),
        Setup(preset: .tiny3x2, window: 256 << 10, steps: 3000, seed: 3),
        Setup(preset: .mockHuge, window: 4 << 20, steps: 1500, seed: 4),
        Setup(preset: .armLPAE4K, window: 8 << 20, steps: 1500, seed: 5),
    ])
    func walksAgreeWithTheFlatReferenceAfterEveryStep(setup: Setup) throws {
        var rng = SplitMix64(state: setup.seed)
        var table = PageTable(preset: setup.preset)
        let sizes = table.pageSizes.sizes
        let page = sizes[0]
        var reference = FlatReference(page: page)
        let windowPages = setup.window / page
        var exactUnmaps = 0, maps = 0

        for step in 0..<setup.steps {
            let behaviour = UnmapLargeLeaf.allCases[Int(rng.below(3))]
            switch rng.below(10) {
            case 0..<5: // map into a free range
                let align = sizes[Int(rng.below(UInt64(sizes.count)))]
                let size = page * (1 + rng.below(min(windowPages / 4, 3 * align / page + 2)))
                let iova = (rng.below(setup.window / page) * page) & ~(rng.below(2) == 0 ? align - 1 : page - 1)
                guard iova + size <= setup.window, reference.isFree(iova, size) else { continue }
                // paddr shares iova's alignment half of the time, so that large leaves are laid.
                let paddr = rng.below(2) == 0 ? iova + (1 << 32) : (1 << 32) + rng.below(1 << 20) * page
                let permissions = [Permissions.read, .write, .readWrite][Int(rng.below(3))]
                let stage: TranslationStage = rng.below(2) == 0 ? .stage1 : .stage2
                try table.map(iova: iova, paddr: paddr, size: size, permissions: permissions, stage: stage)
                var laid = permissions
                if permissions == .write, !table.format.expressesWriteOnly(at: stage) { laid = .readWrite }
                for p in stride(from: iova, to: iova + size, by: Int(page)) { reference.pages[p] = (paddr + (p - iova), laid) }
                reference.areas.append((iova, size))
                maps += 1
            case 5..<8: // unmap whole areas: one, or a run of adjacent ones
                guard !reference.areas.isEmpty else { continue }
                reference.areas.sort { $0.iova < $1.iova }
                let first = Int(rng.below(UInt64(reference.areas.count)))
                var last = first
                while last + 1 < reference.areas.count, rng.below(2) == 0,
                      reference.areas[last + 1].iova == reference.areas[last].iova + reference.areas[last].size { last += 1 }
                let iova = reference.areas[first].iova
                let size = reference.areas[first...last].reduce(0) { $0 + $1.size }
                let got = table.unmap(iova: iova, size: size, largeLeaf: behaviour)
                #expect(got == size, "step \(step): unmap of whole areas \(SizeText.hex(iova))+\(SizeText.hex(size)) under \(behaviour) returned \(SizeText.hex(got))")
                for p in stride(from: iova, to: iova + size, by: Int(page)) { reference.pages[p] = nil }
                reference.areas.removeSubrange(first...last)
                exactUnmaps += 1
            default: // unmap an arbitrary aligned range
                let iova = rng.below(windowPages) * page
                let size = page * (1 + rng.below(min(windowPages - iova / page, 8)))
                let before = reference.pages
                let got = table.unmap(iova: iova, size: size, largeLeaf: behaviour)
                var removed: UInt64 = 0
                for (p, expected) in before {
                    switch table.walk(p).translation {
                    case nil:
                        removed += page
                        reference.pages[p] = nil
                        if behaviour != .clearWhole {
                            #expect(p >= iova && p < iova + size, "step \(step): \(behaviour) unmap of \(SizeText.hex(iova))+\(SizeText.hex(size)) removed \(SizeText.hex(p))")
                        }
                    case let t?:
                        #expect(t.output == expected.output && t.permissions == expected.permissions, "step \(step): page \(SizeText.hex(p)) changed")
                    }
                }
                #expect(got >= removed, "step \(step): returned \(got) bytes but \(removed) went away")
                // Areas now partly unmapped are no longer whole; forget them for exact unmaps.
                let snapshot = reference
                reference.areas.removeAll { !snapshot.isFullyMapped($0) }
            }
            try check(table, reference, window: setup.window, step: step)
        }
        #expect(maps > setup.steps / 15)
        #expect(exactUnmaps > setup.steps / 20)
    }

    func check(_ table: PageTable, _ reference: FlatReference, window: UInt64, step: Int) throws {
        for p in stride(from: UInt64(0), to: window, by: Int(reference.page)) {
            let walked = table.walk(p).translation
            let expected = reference.pages[p]
            if walked?.output != expected?.output || walked?.permissions != expected?.permissions {
                Issue.record("step \(step): page \(SizeText.hex(p)) walks to \(walked.map { SizeText.hex($0.output) + " " + $0.permissions.description } ?? "fault") but the reference says \(expected.map { SizeText.hex($0.output) + " " + $0.permissions.description } ?? "unmapped")")
                throw CheckFailed()
            }
        }
    }

    struct CheckFailed: Error {}
}

extension FlatReference {
    func isFullyMapped(_ area: (iova: UInt64, size: UInt64)) -> Bool {
        stride(from: area.iova, to: area.iova + area.size, by: Int(page)).allSatisfy { pages[$0] != nil }
    }
}
