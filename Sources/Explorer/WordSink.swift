/// Where a state's encoding goes: a word buffer (the compact frontier) or a running fingerprint.
/// A model that writes its encoding once, generic over the sink, gets its fingerprint from the
/// same description as its codec, so a field the codec keeps can never be left out of the hash.
public protocol WordSink {
    mutating func put(_ word: UInt64)
}

extension Array: WordSink where Element == UInt64 {
    @inlinable public mutating func put(_ word: UInt64) { append(word) }
}

extension Fingerprint: WordSink {
    @inlinable public mutating func put(_ word: UInt64) { mix(word) }
}
