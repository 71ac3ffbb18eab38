// PKI: the certificate authority, agent/cloud/broker certificates.
