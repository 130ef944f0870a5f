package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
)

// DeliveryConfig sets up the channels beyond the app.
type DeliveryConfig struct {
	Mail    *Mailer // nil: no e-mail
	Matrix  *Matrix // nil: no Matrix
	BaseURL string  // the instance's public URL, for links in messages
	// ReplyAddress turns a reply tag into the address that takes it;
	// nil without mail-in, and e-mails then carry no reply address.
	ReplyAddress func(tag string) string
	// DigestHour is the local hour daily and weekly digests go out at;
	// weekly ones on Mondays.
	DigestHour int
	Location   *time.Location
	Poll       time.Duration // how often the sender looks for due deliveries
	Lease      time.Duration // how long a claimed delivery is another server's
	// Backoff is the wait before each retry; after the last one a
	// delivery is given up.
	Backoff []time.Duration
	Log     *slog.Logger
}

// DefaultBackoff retries for about a day.
var DefaultBackoff = []time.Duration{10 * time.Second, time.Minute, 5 * time.Minute, 30 * time.Minute, 2 * time.Hour, 6 * time.Hour, 12 * time.Hour}

// Dispatcher turns events into deliveries, in the events' transactions,
// and sends them: e-mail, Matrix direct messages and posts to the Matrix
// rooms of spaces.
type Dispatcher struct {
	n   *Notifier
	cfg DeliveryConfig
}

// Deliver registers the channels of cfg as a consumer of every event and
// returns the dispatcher that sends what it writes; run it with Run.
func (n *Notifier) Deliver(cfg DeliveryConfig) *Dispatcher {
	if cfg.Location == nil {
		cfg.Location = time.Local
	}
	if cfg.Poll <= 0 {
		cfg.Poll = time.Second
	}
	if cfg.Lease <= 0 {
		cfg.Lease = 2 * time.Minute
	}
	if len(cfg.Backoff) == 0 {
		cfg.Backoff = DefaultBackoff
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	d := &Dispatcher{n: n, cfg: cfg}
	n.channels.mail, n.channels.matrix = cfg.Mail != nil, cfg.Matrix != nil
	n.Consume(d.enqueue)
	return d
}

// enqueue writes the deliveries of an event: for each recipient, one per
// channel whose mode is not off, due now or at the next digest; and a post
// to the space's room when the space posts events of this kind.
func (d *Dispatcher) enqueue(ctx context.Context, tx pgx.Tx, id int64, ev Event, to []int64) error {
	if d.cfg.Mail == nil && d.cfg.Matrix == nil {
		return nil
	}
	now := time.Now()
	var list []newDelivery
	if len(to) > 0 {
		modes, err := d.n.store.RecipientModes(ctx, tx, TopicOf(ev.Kind), to)
		if err != nil {
			return err
		}
		for _, m := range modes {
			if d.cfg.Mail != nil {
				list = d.add(list, ChannelEmail, m.AccountID, orDefault(m.Email, TopicOf(ev.Kind), ChannelEmail), now)
			}
			if d.cfg.Matrix != nil && m.HasMatrix {
				list = d.add(list, ChannelMatrix, m.AccountID, orDefault(m.Matrix, TopicOf(ev.Kind), ChannelMatrix), now)
			}
		}
	}
	if d.cfg.Matrix != nil {
		room, kinds, err := d.n.store.SpaceRoom(ctx, tx, ev.SpaceID)
		if err != nil {
			return err
		}
		if room != "" && slices.Contains(kinds, ev.Kind) {
			list = append(list, newDelivery{Channel: ChannelRoom})
		}
	}
	return d.n.store.InsertDeliveries(ctx, tx, id, ev.SpaceID, list)
}

// accessLag is how long after its event a delivery to someone without
// access waits for the access rules to catch up before it is dropped.
const accessLag = 5 * time.Second

// ChannelRoom is the delivery channel of posts to a space's Matrix room.
const ChannelRoom = "room"

func orDefault(mode, topic, channel string) string {
	if mode == "" {
		return DefaultMode(topic, channel)
	}
	return mode
}

func (d *Dispatcher) add(list []newDelivery, channel string, account int64, mode string, now time.Time) []newDelivery {
	switch mode {
	case ModeImmediate:
		return append(list, newDelivery{Channel: channel, AccountID: account})
	case ModeDaily, ModeWeekly:
		return append(list, newDelivery{Channel: channel, AccountID: account, Digest: mode, DueAt: d.nextDigest(mode, now)})
	}
	return list
}

// nextDigest is when the next daily or weekly digest after now goes out.
func (d *Dispatcher) nextDigest(mode string, now time.Time) time.Time {
	local := now.In(d.cfg.Location)
	at := time.Date(local.Year(), local.Month(), local.Day(), d.cfg.DigestHour, 0, 0, 0, d.cfg.Location)
	for !at.After(now) || mode == ModeWeekly && at.Weekday() != time.Monday {
		at = at.AddDate(0, 0, 1)
	}
	return at
}

// channels are the delivery channels this server can send on: a server
// without a mail server leaves e-mail to those that have one.
func (d *Dispatcher) channels() []string {
	var out []string
	if d.cfg.Mail != nil {
		out = append(out, ChannelEmail)
	}
	if d.cfg.Matrix != nil {
		out = append(out, ChannelMatrix, ChannelRoom)
	}
	return out
}

// Run sends due deliveries until ctx ends, and deletes those done more
// than 30 days ago once an hour.
func (d *Dispatcher) Run(ctx context.Context) {
	if len(d.channels()) == 0 {
		return
	}
	swept := time.Time{}
	for {
		if _, err := d.Drain(ctx); err != nil && ctx.Err() == nil {
			d.cfg.Log.Warn("deliveries", "err", err)
		}
		if time.Since(swept) > time.Hour {
			if err := d.n.store.SweepDeliveries(ctx, time.Now().Add(-30*24*time.Hour)); err != nil && ctx.Err() == nil {
				d.cfg.Log.Warn("sweep deliveries", "err", err)
			}
			swept = time.Now()
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(d.cfg.Poll):
		}
	}
}

// Drain sends what is due now and returns how many deliveries it handled.
func (d *Dispatcher) Drain(ctx context.Context) (int, error) {
	total := 0
	for {
		batch, err := d.n.store.Claim(ctx, d.channels(), d.cfg.Lease, 200)
		if err != nil || len(batch) == 0 {
			return total, err
		}
		total += len(batch)
		for _, g := range group(batch) {
			d.send(ctx, g)
		}
	}
}

// group puts the rows of one digest (person, channel, kind of digest)
// together; every other row is a message of its own.
func group(batch []claimed) [][]claimed {
	var out [][]claimed
	at := map[string]int{}
	for _, c := range batch {
		if c.Digest == "" {
			out = append(out, []claimed{c})
			continue
		}
		key := fmt.Sprintf("%s/%d/%s", c.Channel, c.AccountID, c.Digest)
		if i, ok := at[key]; ok {
			out[i] = append(out[i], c)
			continue
		}
		at[key] = len(out)
		out = append(out, []claimed{c})
	}
	return out
}

// send delivers one message made of rows: access is checked again, so a
// person who left a space hears nothing more of it.
func (d *Dispatcher) send(ctx context.Context, rows []claimed) {
	var keep []claimed
	var dropped, later []int64
	for _, c := range rows {
		switch {
		case c.Channel == ChannelRoom || d.n.can(ctx, c.AccountID, c.SpaceID):
			keep = append(keep, c)
		case time.Since(c.CreatedAt) < accessLag:
			// The rules of this server may not yet know of a membership
			// another server just granted (they follow through NOTIFY).
			later = append(later, c.ID)
		default:
			dropped = append(dropped, c.ID)
		}
	}
	if len(dropped) > 0 {
		if err := d.n.store.MarkSent(ctx, dropped, "no access"); err != nil {
			d.cfg.Log.Warn("deliveries", "err", err)
		}
	}
	if len(later) > 0 {
		if err := d.n.store.Retry(ctx, later, "no access yet", time.Second); err != nil {
			d.cfg.Log.Warn("deliveries", "err", err)
		}
	}
	if len(keep) == 0 {
		return
	}
	ids := make([]int64, len(keep))
	for i, c := range keep {
		ids[i] = c.ID
	}
	err := d.deliver(ctx, keep)
	switch {
	case err == nil:
		err = d.n.store.MarkSent(ctx, ids, "")
	case keep[0].Attempts > len(d.cfg.Backoff):
		d.cfg.Log.Warn("delivery given up", "channel", keep[0].Channel, "err", err)
		err = d.n.store.MarkSent(ctx, ids, "given up: "+err.Error())
	default:
		d.cfg.Log.Info("delivery failed; retrying", "channel", keep[0].Channel, "attempt", keep[0].Attempts, "err", err)
		err = d.n.store.Retry(ctx, ids, err.Error(), d.cfg.Backoff[keep[0].Attempts-1])
	}
	if err != nil {
		d.cfg.Log.Warn("deliveries", "err", err)
	}
}

var errNoAddress = errors.New("no address to send to")

// ErrNoMail is returned by SendNotice on an instance without a mail server.
var ErrNoMail = errors.New("no mail server configured")

// SendNotice sends a short plain-text mail at once, outside the delivery
// table: the answer to a mail that just came in, which the caller sends
// again if that mail comes again.
func (d *Dispatcher) SendNotice(ctx context.Context, n Notice) error {
	if d.cfg.Mail == nil {
		return ErrNoMail
	}
	return d.cfg.Mail.SendNotice(ctx, n)
}

func (d *Dispatcher) deliver(ctx context.Context, rows []claimed) error {
	first := rows[0]
	switch first.Channel {
	case ChannelEmail:
		if first.Email == "" || d.cfg.Mail == nil {
			return errNoAddress
		}
		mail, err := d.composeMail(ctx, rows)
		if err != nil {
			return err
		}
		return d.cfg.Mail.Send(ctx, mail)
	case ChannelMatrix:
		if first.MatrixID == "" || d.cfg.Matrix == nil {
			return errNoAddress
		}
		room, err := d.directRoom(ctx, first.AccountID, first.MatrixID)
		if err != nil {
			return err
		}
		return d.cfg.Matrix.Send(ctx, room, first.UID, d.composeMatrix(rows))
	case ChannelRoom:
		if first.Room == "" || d.cfg.Matrix == nil {
			return errNoAddress
		}
		return d.cfg.Matrix.Send(ctx, first.Room, first.UID, d.composeMatrix(rows))
	}
	return fmt.Errorf("unknown channel %q", first.Channel)
}

// directRoom returns the room for direct messages to a person, opening
// one the first time.
func (d *Dispatcher) directRoom(ctx context.Context, accountID int64, matrixID string) (string, error) {
	room, err := d.n.store.DirectRoom(ctx, accountID, matrixID)
	if err != nil || room != "" {
		return room, err
	}
	if room, err = d.cfg.Matrix.OpenDirect(ctx, matrixID); err != nil {
		return "", err
	}
	return room, d.n.store.SaveDirectRoom(ctx, accountID, matrixID, room)
}

// State tells /readyz how each channel fares: "off" when the instance has
// none, "failing" when messages wait after failed attempts or for more
// than five minutes, else "ok".
func (d *Dispatcher) State(ctx context.Context) (map[string]string, error) {
	backlog, err := d.n.store.Backlog(ctx)
	if err != nil {
		return nil, err
	}
	state := func(on bool, channels ...string) string {
		if !on {
			return "off"
		}
		for _, ch := range channels {
			if b := backlog[ch]; b.Failing > 0 || b.Due > 0 && time.Since(b.Oldest) > 5*time.Minute {
				return "failing"
			}
		}
		return "ok"
	}
	return map[string]string{
		"email":  state(d.cfg.Mail != nil, ChannelEmail),
		"matrix": state(d.cfg.Matrix != nil, ChannelMatrix, ChannelRoom),
	}, nil
}
