// PKI: Rollcall's certificate authority and the certificates it issues — agents (one per site and agent id),
// cloud aggregators and the broker — plus the broker's configuration and ACL rendered from the templates in
// `config/mosquitto/`. X.509 with ECDSA P-256 via swift-certificates and swift-crypto; keys written 0600.
