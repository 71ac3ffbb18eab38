/// Size limits enforced on decode (and on encode, so a sender never produces what a receiver refuses).
public enum WireLimits {
    /// Identifiers (site, agent, camera, worker, model): bytes of UTF-8.
    public static let identifierBytes = 64
    /// Free-text fields (reasons, versions, names): bytes of UTF-8.
    public static let textBytes = 256
    /// A face crop's JPEG.
    public static let jpegBytes = 2 * 1024 * 1024
    /// A face embedding's dimension.
    public static let embeddingDimension = 4096
    /// A detected face's keypoints.
    public static let keypoints = 16
    /// Cameras in one status message.
    public static let cameras = 64
    /// A gallery snapshot's opaque bytes.
    public static let gallerySnapshotBytes = 32 * 1024 * 1024
    /// Any one payload (the largest possible gallery message plus its fields).
    public static let payloadBytes = gallerySnapshotBytes + 4096
}
