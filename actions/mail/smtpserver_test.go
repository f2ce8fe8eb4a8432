package mail

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"math/big"
	"net"
	"net/textproto"
	"strings"
	"sync"
	"testing"
	"time"
)

// serverConfig is how a test SMTP server behaves.
type serverConfig struct {
	tls        *tls.Config // offer STARTTLS when set
	auth       bool        // offer AUTH PLAIN
	silent     bool        // never say anything
	rejectRcpt string      // refuse recipients containing this
}

// smtpServer is a tiny SMTP server on 127.0.0.1 that speaks EHLO,
// STARTTLS, AUTH PLAIN, MAIL, RCPT, DATA and QUIT, and records each
// session.
type smtpServer struct {
	serverConfig
	addr string

	mu       sync.Mutex
	sessions []session
	ended    chan struct{} // one send per recorded session
}

// session is what one client did.
type session struct {
	cmds []string
	data string
	tls  bool
	auth string // the decoded AUTH PLAIN response
}

// startSMTP listens and serves until the test ends.
func startSMTP(t *testing.T, cfg serverConfig) *smtpServer {
	t.Helper()
	s := &smtpServer{serverConfig: cfg, ended: make(chan struct{}, 64)}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.addr = ln.Addr().String()
	var wg sync.WaitGroup
	done := make(chan struct{})
	wg.Go(func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Go(func() { s.serve(conn, done) })
		}
	})
	t.Cleanup(func() { close(done); ln.Close(); wg.Wait() })
	return s
}

func (s *smtpServer) serve(conn net.Conn, done <-chan struct{}) {
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	if s.silent {
		<-done
		return
	}
	var ses session
	defer func() {
		s.mu.Lock()
		s.sessions = append(s.sessions, ses)
		s.mu.Unlock()
		s.ended <- struct{}{}
	}()
	tp := textproto.NewConn(conn)
	tp.PrintfLine("220 test ESMTP")
	for {
		line, err := tp.ReadLine()
		if err != nil {
			return
		}
		ses.cmds = append(ses.cmds, line)
		verb, arg, _ := strings.Cut(line, " ")
		switch strings.ToUpper(verb) {
		case "STARTTLS":
			tp.PrintfLine("220 go ahead")
			tc := tls.Server(conn, s.tls)
			if tc.Handshake() != nil {
				return
			}
			conn, tp, ses.tls = tc, textproto.NewConn(tc), true
		case "DATA":
			tp.PrintfLine("354 go ahead")
			data, err := tp.ReadDotBytes()
			if err != nil {
				return
			}
			ses.data = string(data)
			tp.PrintfLine("250 queued")
		case "QUIT":
			tp.PrintfLine("221 bye")
			return
		default:
			s.reply(tp, &ses, strings.ToUpper(verb), arg)
		}
	}
}

// reply answers the simple commands.
func (s *smtpServer) reply(tp *textproto.Conn, ses *session, verb, arg string) {
	switch {
	case verb == "EHLO":
		lines := []string{"test"}
		if s.tls != nil && !ses.tls {
			lines = append(lines, "STARTTLS")
		}
		if s.auth {
			lines = append(lines, "AUTH PLAIN")
		}
		lines = append(lines, "8BITMIME")
		for i, l := range lines {
			sep := "-"
			if i == len(lines)-1 {
				sep = " "
			}
			tp.PrintfLine("250%s%s", sep, l)
		}
	case verb == "AUTH":
		b, _ := base64.StdEncoding.DecodeString(strings.TrimPrefix(arg, "PLAIN "))
		ses.auth = string(b)
		tp.PrintfLine("235 ok")
	case verb == "RCPT" && s.rejectRcpt != "" && strings.Contains(arg, s.rejectRcpt):
		tp.PrintfLine("550 no such user")
	case verb == "MAIL" || verb == "RCPT":
		tp.PrintfLine("250 ok")
	default:
		tp.PrintfLine("502 not implemented")
	}
}

// waitSessions waits until n sessions have ended on the server's side (the
// client may return before the server has recorded its session) and
// returns what was recorded.
func (s *smtpServer) waitSessions(t *testing.T, n int) []session {
	t.Helper()
	for range n {
		select {
		case <-s.ended:
		case <-time.After(time.Minute):
			t.Fatalf("the server recorded %d sessions; want %d", len(s.recorded()), n)
		}
	}
	return s.recorded()
}

func (s *smtpServer) recorded() []session {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]session{}, s.sessions...)
}

// selfSigned is a certificate for 127.0.0.1 and a pool that trusts it.
func selfSigned(t *testing.T) (*tls.Config, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test smtp"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}, pool
}
