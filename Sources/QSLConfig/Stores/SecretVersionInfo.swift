/// One version of a secret as ``SecretStore/listSecretVersions(_:)`` lists it: its id, its
/// staging labels (none for a deprecated version) and when it was created. Never the value.
public struct SecretVersionInfo: Sendable, Hashable {
    public var versionId: String
    /// Empty for a version no label points at any more (Secrets Manager calls it deprecated).
    public var stages: [String]
    /// Seconds since 1970, when the store records it.
    public var createdDate: Double?

    public init(versionId: String, stages: [String], createdDate: Double? = nil) {
        self.versionId = versionId
        self.stages = stages
        self.createdDate = createdDate
    }
}
