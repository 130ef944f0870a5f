package main

import (
	"context"
	"crypto/rand"
	"flag"
	"fmt"
	"strings"

	"github.com/fachnetz/fachnetz/server/notify"
)

// notifyCommand lets an operator check the channels: "notify test --to
// EMAIL" and "notify test --matrix @user:server" send one message with the
// settings the server would use.
func notifyCommand() operatorCommand {
	return operatorCommand{
		name: "notify",
		flags: func(verb string, fs *flag.FlagSet) {
			fs.String("to", "", "send a test e-mail to this address")
			fs.String("matrix", "", "send a test direct message to this Matrix ID")
		},
		verbs: map[string]func(context.Context, *operator, []string) error{"test": notifyTest},
	}
}

func notifyTest(ctx context.Context, op *operator, args []string) error {
	const usage = "notify test --to EMAIL | --matrix @user:server"
	if err := wantArgs(args, 0, usage); err != nil {
		return err
	}
	to, matrixID := strings.TrimSpace(op.flag("to")), strings.TrimSpace(op.flag("matrix"))
	if to == "" && matrixID == "" {
		return &configError{"usage: fachnetz " + usage}
	}
	base := strings.TrimRight(op.cfg.BaseURL.String(), "/")
	text := "Fachnetz: test message from " + base
	if to != "" {
		mailer := notify.NewMailer(notify.MailConfig{Host: op.cfg.SMTPHost, Port: op.cfg.SMTPPort, TLS: op.cfg.SMTPTLS,
			User: op.cfg.SMTPUser, Password: op.cfg.SMTPPassword, From: op.cfg.SMTPFrom})
		if mailer == nil {
			return &configError{"FACHNETZ_SMTP_HOST is not set: e-mail is off"}
		}
		err := mailer.Send(ctx, notify.Mail{To: to, Subject: text, Text: text + "\n", HTML: "<p>" + text + "</p>",
			MessageID: "test-" + rand.Text() + "@fachnetz"})
		if err != nil {
			return err
		}
		fmt.Fprintf(op.env.stdout, "sent a test e-mail to %s\n", to)
	}
	if matrixID != "" {
		m := notify.NewMatrix(notify.MatrixConfig{Homeserver: op.cfg.MatrixHomeserver, Token: op.cfg.MatrixToken, User: op.cfg.MatrixUser})
		if m == nil {
			return &configError{"FACHNETZ_MATRIX_HOMESERVER is not set: Matrix is off"}
		}
		room, err := m.OpenDirect(ctx, matrixID)
		if err != nil {
			return err
		}
		if err := m.Send(ctx, room, "test-"+rand.Text(), notify.MatrixMessage{Text: text, HTML: text}); err != nil {
			return err
		}
		fmt.Fprintf(op.env.stdout, "sent a test message to %s in room %s\n", matrixID, room)
	}
	return nil
}
