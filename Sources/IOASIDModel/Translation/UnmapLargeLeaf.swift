/// What unmapping part of a large leaf does: the knob `unmap-large-leaf` (`domain/translation.md` §3).
public enum UnmapLargeLeaf: String, Hashable, Sendable, CaseIterable {
    /// Upstream io-pgtable-arm since 33729a5fc0ca: the leaf stays and the call unmaps 0 bytes
    /// (`WARN_ONCE(… "Unmap of a partial large IOPTE is not allowed"); return 0;`).
    case refuse
    /// io-pgtable-arm before that commit (`arm_lpae_split_blk_unmap`): the block becomes a table of
    /// next-level leaves and only the requested part is unmapped.
    case split
    /// AMD (v1/v2), VT-d second stage, ARMv7s, DART: the whole leaf is cleared and its size
    /// returned, even though less was asked (`iommu_v1_unmap_pages`).
    case clearWhole = "clear-whole"
}
