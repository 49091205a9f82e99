/// The most actions one state may offer under a model's `explore` bounds, estimated before the
/// search from the sizes the bounds give (pairs, user addresses, probes, PASIDs, object ids), so
/// that the loader can refuse bounds no search could use: a state's actions are produced in
/// batches (`ActionFamilies`), but a state with billions of them would still never finish.
public enum ActionBound {
    /// The most actions one state may offer: 2^24. SPEC §2 allows windows of 2^16 pages, so
    /// pairs of them (`IOMMU_IOAS_COPY`, a guest's stage-1 map at every GPA) reach 2^32.
    public static let limit: Double = 16_777_216
}

extension ActionSpace {
    /// Sizes as doubles (products of them may exceed any integer type).
    var pairCount: Double { Double(pairs.count) }
    var probeCount: Double { Double(probes.count) }
    var vaCountD: Double { Double(vaCount) }
    var pasidCount: Double { Double(bounds.pasids.count) }
    var deviceCount: Double { Double(topology.devices.count) }
    /// Steps taken before a state that is expanded: states at the depth bound are not.
    var stepsBeforeExpansion: Double { Double(max(0, bounds.depth - 1)) }
    /// Object ids a field may name: the live ones (an operation makes at most two objects, or the
    /// caps' sum), one of another kind, one that does not exist.
    var objectIDBound: Double {
        let capped = ["ioas", "hwpt", "device"].map { bounds.objects[$0] ?? .max }
        let caps = capped.contains(.max) ? Double.infinity : Double(capped.reduce(0, +))
        return min(2 * stepsBeforeExpansion, caps) + 2
    }
    /// IOAS ids a field may name (an operation makes at most one IOAS).
    var ioasIDBound: Double { min(stepsBeforeExpansion, Double(bounds.objects["ioas"] ?? .max)) + 2 }
    /// TRANSLATE: each routed device (at most every device at the RID and each PASID) at each probe, read and write.
    var translateBound: Double { deviceCount * (pasidCount + 1) * probeCount * 2 }
    /// Whether `ops` includes `word`.
    func has(_ word: String) -> Bool { bounds.groups.contains(word) }
    /// `word`'s term when `ops` includes it, else nothing.
    func term(_ word: String, _ value: @autoclosure () -> Double) -> Double { has(word) ? value() : 0 }

    /// iommufd's groups, as `actions(of:into:)` produces them.
    var iommufdBound: Double {
        let i = ioasIDBound, o = objectIDBound, d = deviceCount
        return term("ioas", 1) + term("map", i * pairCount * vaCountD * 3) + term("auto-map", i * Double(bounds.lengths.count) * vaCountD)
            + term("unmap", i * (pairCount + 1)) + term("copy", i * i * Double(samePairCount)) + term("allow-iovas", i * 4)
            + term("reserved", i * pairCount)
            + term("map-file", Double(topology.memfds.count) * (i * pairCount + 2)
                   + 1 + Double(bounds.objects["dmabuf"] ?? 1) * (i * pairCount + 3) + 2 + pairCount + 1)
            + term("selftest-checks", o * (pairCount * (1 + Double(bounds.objects["dmabuf"] ?? 1)) + 1) + pairCount * 2)
            + term("test-pasid", d * pasidCount * (o * 2 + 1))
            + term("vfio-compat", i + 2 + 2 + pairCount * vaCountD + pairCount + 1 + 2)
            + term("access", i * 2 + o * (pairCount * 3 + 2 * stepsBeforeExpansion + i + 1))
            + term("option", i * 2) + term("hwpt", (d + 2) * i * 3) + term("nested", (d + 2) * o * probeCount + o * pairCount * (probeCount + 1))
            + term("bind", d) + term("attach", d * (o + 1) * (pasidCount + 1)) + term("close", d) + term("destroy", o + 1)
            + term("translate", translateBound) + term("dirty", (d + 2) * i + o * 2 + o * pairCount * 2) + term("hw-info", d + 2)
            + term("viommu", (d + 2) * o * (1 + Double(ActionSpace.virtIDs.count) + 1)) + term("hw-queue", o * 2 * pairCount)
            + term("invalidate", o * 2) + term("fault", 1 + (d + 2) * i * o + (d + 2) * (pasidCount + 1) + o * 4)
            + term("veventq", o + (d + 2) + o * 2)
    }
}
