package mail

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"net/smtp"
	"time"
)

// smtpOptions are what tests change in the SMTP exchange.
type smtpOptions struct {
	roots *x509.CertPool // nil: the system's
	// localMTA tells this host's own MTA by the server's address
	// (isLocalMTA; tests, whose servers listen on high loopback ports,
	// replace it).
	localMTA func(net.Addr) bool
}

// sendSMTP mails msg through Config.SMTP: EHLO, STARTTLS when offered,
// AUTH when configured, MAIL, RCPT, DATA, QUIT; all within ctx.
func (m *Mail) sendSMTP(ctx context.Context, msg []byte) error {
	host, _, _ := net.SplitHostPort(m.cfg.SMTP)
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", m.cfg.SMTP)
	if err != nil {
		return err
	}
	if deadline, ok := ctx.Deadline(); ok {
		conn.SetDeadline(deadline)
	}
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	c, err := smtp.NewClient(conn, host)
	if err != nil {
		conn.Close()
		return fmt.Errorf("smtp %s: %w", m.cfg.SMTP, err)
	}
	defer c.Close()
	local := isLocalMTA
	if m.smtp.localMTA != nil {
		local = m.smtp.localMTA
	}
	if err := m.converse(c, host, local(conn.RemoteAddr()), msg); err != nil {
		return fmt.Errorf("smtp %s: %w", m.cfg.SMTP, err)
	}
	return nil
}

// converse is the SMTP exchange on c. The certificate of this host's own
// MTA (localMTA: smtp = localhost:25) is not verified, since Debian's exim4
// offers STARTTLS with the self-signed certificate it makes at install, and
// no byte crosses a network. Any other server's certificate is verified.
func (m *Mail) converse(c *smtp.Client, host string, localMTA bool, msg []byte) error {
	if err := c.Hello(m.cfg.Helo); err != nil {
		return err
	}
	if ok, _ := c.Extension("STARTTLS"); ok {
		tc := &tls.Config{ServerName: host, RootCAs: m.smtp.roots, MinVersion: tls.VersionTLS12,
			InsecureSkipVerify: localMTA}
		if err := c.StartTLS(tc); err != nil {
			return fmt.Errorf("starttls: %w", err)
		}
	}
	if m.cfg.Username != "" {
		if err := c.Auth(smtp.PlainAuth("", m.cfg.Username, m.cfg.Password, host)); err != nil {
			return fmt.Errorf("auth: %w", err)
		}
	}
	if err := c.Mail(m.from); err != nil {
		return err
	}
	for _, to := range m.rcpt {
		if err := c.Rcpt(to); err != nil {
			return fmt.Errorf("recipient %s: %w", to, err)
		}
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write(msg); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	return c.Quit()
}

// isLocalMTA reports whether addr is a loopback TCP address on a
// privileged port (below 1024): only root can listen there, so it is this
// host's MTA, not a local user's listener waiting for ifw's mail and
// password.
func isLocalMTA(addr net.Addr) bool {
	ta, ok := addr.(*net.TCPAddr)
	return ok && ta.IP.IsLoopback() && ta.Port > 0 && ta.Port < 1024
}
