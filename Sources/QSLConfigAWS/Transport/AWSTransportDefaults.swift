/// The limits every transport starts from, unless its caller sets its own.
public enum AWSTransportDefaults {
    /// The longest an AWS API exchange may go without a byte, connecting included: 10 s.
    public static let idleTimeout: Duration = .seconds(10)
    /// The deadline for a whole AWS API exchange: 30 s.
    public static let requestTimeout: Duration = .seconds(30)
    /// The largest AWS API response body accepted: 16 MiB. The largest legitimate ones (a
    /// `BatchGetSecretValue` page of 20 secrets of 64 KiB each, base64 included) stay far below.
    public static let maxResponseBytes = 16 << 20
    /// The largest metadata or container credentials response accepted: 64 KiB (a credentials
    /// document is about 1.5 KiB).
    public static let metadataMaxResponseBytes = 64 << 10
}
