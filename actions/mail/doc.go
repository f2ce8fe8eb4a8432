// Package mail is an alerts.Action that mails a short plain-text alert:
// the subject "[ifw] danger level N from SRC on HOST", and a body with the
// attacker's picture (levels, times, destinations, scans, signatures, OS
// and tool guesses, how trustworthy the evidence is).
//
// It sends through the local sendmail (Config.Sendmail, run directly as
// `sendmail -t -oi` with the message on its standard input, in a process
// group of its own killed at the timeout: actions/program, which the script
// action uses too), or,
// when Config.SMTP is set, over SMTP with net/smtp: STARTTLS whenever the
// server offers it (the certificate verified against the system roots;
// not for this host's own MTA, loopback on a port below 1024: converse),
// then AUTH PLAIN when a user name is configured (net/smtp sends it only
// over TLS or to localhost). The whole exchange is bounded by the run's
// context.
//
// Names that come from the logs are made one line before they reach a
// header, so an alert cannot add headers. How often a mail goes out for
// one attacker is the Dispatcher's business (alerts.Route.Interval).
package mail
