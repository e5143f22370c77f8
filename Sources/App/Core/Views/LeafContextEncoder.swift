import LeafKit

/// A page's context as Leaf's data tree: the same tree Leaf's own encoder builds from an
/// `Encodable` (`LeafContextEncoderTests` compares the two), with less work per value.
///
/// Leaf's encoder gives every value an encoder object of its own, two reference-counted boxes and a
/// coding path, asks every value — text and numbers included — whether it is
/// `LeafDataRepresentable`, and copies each dictionary once more when it is done. That was a tenth
/// of the pathway page's CPU. Here text, numbers and Booleans become data directly, and a nested
/// value gets one small object that writes into a dictionary or an array.
///
/// As in Leaf's encoder: a value that is `LeafDataRepresentable` (`UUID`, `Date`, `TableCell`, …)
/// is taken as its `leafData`; nil leaves its key out; a value that encodes nothing is left out.
enum LeafContextEncoder {
    static func encode(_ value: some Encodable) throws -> [String: LeafData] {
        let node = Node()
        try value.encode(to: node)
        guard let data = node.resolved else { return [:] }
        guard let dictionary = data.dictionary else {
            throw TemplateError(message: "A page's context must be a structure, not a list or a single value")
        }
        return dictionary
    }

    /// One encoded value while it is being built: a dictionary, a list or a single value.
    fileprivate final class Node: Encoder, SingleValueEncodingContainer {
        enum Kind { case empty, keyed, unkeyed, single }

        var kind = Kind.empty
        var dictionary: [String: LeafData] = [:]
        var list: [LeafData] = []
        var single: LeafData?
        /// Containers asked for with `nestedContainer`/`superEncoder`: filled in after they are
        /// handed out, so read when this node is resolved. Synthesized `Encodable` never asks for them.
        var pendingKeyed: [(String, Node)] = []
        /// A list's nested containers, by their place in `list` (which holds a placeholder there).
        var pendingUnkeyed: [(index: Int, node: Node)] = []

        var codingPath: [any CodingKey] { [] }
        var userInfo: [CodingUserInfoKey: Any] { [:] }

        var resolved: LeafData? {
            switch kind {
            case .empty:
                return nil
            case .single:
                return single
            case .keyed:
                guard !pendingKeyed.isEmpty else { return .dictionary(dictionary) }
                var result = dictionary
                // A nested value that encoded nothing is left out, as in Leaf's encoder.
                for (key, node) in pendingKeyed { result[key] = node.resolved }
                return .dictionary(result)
            case .unkeyed:
                guard !pendingUnkeyed.isEmpty else { return .array(list) }
                var result = list
                // From the end, so that a removed placeholder does not move the ones before it.
                for (index, node) in pendingUnkeyed.reversed() {
                    if let value = node.resolved { result[index] = value } else { result.remove(at: index) }
                }
                return .array(result)
            }
        }

        func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
            precondition(kind == .empty || kind == .keyed, "A value is encoded as one kind of container")
            kind = .keyed
            return KeyedEncodingContainer(Keyed<Key>(node: self))
        }

        func unkeyedContainer() -> any UnkeyedEncodingContainer {
            precondition(kind == .empty || kind == .unkeyed, "A value is encoded as one kind of container")
            kind = .unkeyed
            return Unkeyed(node: self)
        }

        func singleValueContainer() -> any SingleValueEncodingContainer {
            precondition(kind == .empty, "A value is encoded as one kind of container")
            return self
        }

        /// A value as data: directly for what `LeafDataRepresentable` covers, else through a node.
        static func data(_ value: some Encodable) throws -> LeafData? {
            if let representable = value as? any LeafDataRepresentable { return representable.leafData }
            let node = Node()
            try value.encode(to: node)
            return node.resolved
        }

        private func set(_ value: LeafData?) {
            kind = .single
            single = value
        }

        func encodeNil() throws {}
        func encode(_ value: Bool) throws { set(.bool(value)) }
        func encode(_ value: String) throws { set(.string(value)) }
        func encode(_ value: Double) throws { set(value.leafData) }
        func encode(_ value: Float) throws { set(value.leafData) }
        func encode(_ value: Int) throws { set(.int(value)) }
        func encode(_ value: Int8) throws { set(value.leafData) }
        func encode(_ value: Int16) throws { set(value.leafData) }
        func encode(_ value: Int32) throws { set(value.leafData) }
        func encode(_ value: Int64) throws { set(value.leafData) }
        func encode(_ value: UInt) throws { set(value.leafData) }
        func encode(_ value: UInt8) throws { set(value.leafData) }
        func encode(_ value: UInt16) throws { set(value.leafData) }
        func encode(_ value: UInt32) throws { set(value.leafData) }
        func encode(_ value: UInt64) throws { set(value.leafData) }
        func encode(_ value: some Encodable) throws {
            // Leaf's encoder leaves a value that encodes nothing out, as if it were nil.
            if let data = try Self.data(value) { set(data) }
        }
    }

    fileprivate struct Keyed<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let node: Node
        var codingPath: [any CodingKey] { [] }

        private func set(_ value: LeafData?, _ key: Key) {
            if let value { node.dictionary[key.stringValue] = value }
        }

        func encodeNil(forKey key: Key) throws {}
        func encode(_ value: Bool, forKey key: Key) throws { set(.bool(value), key) }
        func encode(_ value: String, forKey key: Key) throws { set(.string(value), key) }
        func encode(_ value: Double, forKey key: Key) throws { set(value.leafData, key) }
        func encode(_ value: Float, forKey key: Key) throws { set(value.leafData, key) }
        func encode(_ value: Int, forKey key: Key) throws { set(.int(value), key) }
        func encode(_ value: Int8, forKey key: Key) throws { set(value.leafData, key) }
        func encode(_ value: Int16, forKey key: Key) throws { set(value.leafData, key) }
        func encode(_ value: Int32, forKey key: Key) throws { set(value.leafData, key) }
        func encode(_ value: Int64, forKey key: Key) throws { set(value.leafData, key) }
        func encode(_ value: UInt, forKey key: Key) throws { set(value.leafData, key) }
        func encode(_ value: UInt8, forKey key: Key) throws { set(value.leafData, key) }
        func encode(_ value: UInt16, forKey key: Key) throws { set(value.leafData, key) }
        func encode(_ value: UInt32, forKey key: Key) throws { set(value.leafData, key) }
        func encode(_ value: UInt64, forKey key: Key) throws { set(value.leafData, key) }
        func encode(_ value: some Encodable, forKey key: Key) throws { set(try Node.data(value), key) }

        func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
            pending(key).container(keyedBy: keyType)
        }

        func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
            pending(key).unkeyedContainer()
        }

        func superEncoder() -> any Encoder { pending("super") }
        func superEncoder(forKey key: Key) -> any Encoder { pending(key) }

        private func pending(_ key: Key) -> Node { pending(key.stringValue) }

        private func pending(_ key: String) -> Node {
            let child = Node()
            node.pendingKeyed.append((key, child))
            return child
        }
    }

    fileprivate struct Unkeyed: UnkeyedEncodingContainer {
        let node: Node
        var codingPath: [any CodingKey] { [] }
        var count: Int { node.list.count }

        private func append(_ value: LeafData?) {
            if let value { node.list.append(value) }
        }

        func encodeNil() throws {}
        func encode(_ value: Bool) throws { append(.bool(value)) }
        func encode(_ value: String) throws { append(.string(value)) }
        func encode(_ value: Double) throws { append(value.leafData) }
        func encode(_ value: Float) throws { append(value.leafData) }
        func encode(_ value: Int) throws { append(.int(value)) }
        func encode(_ value: Int8) throws { append(value.leafData) }
        func encode(_ value: Int16) throws { append(value.leafData) }
        func encode(_ value: Int32) throws { append(value.leafData) }
        func encode(_ value: Int64) throws { append(value.leafData) }
        func encode(_ value: UInt) throws { append(value.leafData) }
        func encode(_ value: UInt8) throws { append(value.leafData) }
        func encode(_ value: UInt16) throws { append(value.leafData) }
        func encode(_ value: UInt32) throws { append(value.leafData) }
        func encode(_ value: UInt64) throws { append(value.leafData) }
        func encode(_ value: some Encodable) throws { append(try Node.data(value)) }

        func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
            pending().container(keyedBy: keyType)
        }

        func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer { pending().unkeyedContainer() }
        func superEncoder() -> any Encoder { pending() }

        private func pending() -> Node {
            let child = Node()
            node.pendingUnkeyed.append((node.list.count, child))
            node.list.append(.trueNil)
            return child
        }
    }
}
