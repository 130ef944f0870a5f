package main

// check validates what depends on several settings.
func (c *Config) check() error {
	if c.MetricsToken != "" && len(c.MetricsToken) < 32 {
		return &configError{"FACHNETZ_METRICS_TOKEN (--metrics-token) must have at least 32 characters"}
	}
	if c.OIDCIssuer != "" && c.OIDCClientID == "" {
		return &configError{"FACHNETZ_OIDC_CLIENT_ID (--oidc-client-id) is required when FACHNETZ_OIDC_ISSUER is set"}
	}
	if c.SMTPHost != "" && c.SMTPFrom == "" {
		return &configError{"FACHNETZ_SMTP_FROM (--smtp-from) is required when FACHNETZ_SMTP_HOST is set"}
	}
	if c.MatrixHomeserver != "" && c.MatrixToken == "" {
		return &configError{"FACHNETZ_MATRIX_TOKEN (--matrix-token) is required when FACHNETZ_MATRIX_HOMESERVER is set"}
	}
	if err := c.MailIn.check(); err != nil {
		return err
	}
	if c.SessionIdle > c.SessionMax {
		return &configError{"FACHNETZ_SESSION_IDLE must not be longer than FACHNETZ_SESSION_MAX"}
	}
	return nil
}
