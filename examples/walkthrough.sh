#!/usr/bin/env bash
# The README's walkthrough, command for command: from the administrator's sign-in to a member's
# progress, what-if and filing report. Needs curl and jq, and a fresh Recert (a second run
# stops at the first record that already exists). Every curl fails on an error status
# (--fail-with-body), and so does the script.
#
#   RECERT_ADMIN_PASSWORD='…' examples/walkthrough.sh          # against http://localhost:8080
#   BASE=http://localhost:8081 RECERT_ADMIN_PASSWORD='…' examples/walkthrough.sh
set -euo pipefail
cd "$(dirname "$0")/.."

# --- 1. Sign in as the administrator
BASE=${BASE:-http://localhost:8080}
ADMIN_EMAIL=${RECERT_ADMIN_EMAIL:-admin@recert.local}
ADMIN_PASSWORD=${RECERT_ADMIN_PASSWORD:?set RECERT_ADMIN_PASSWORD to the password logged at first start}
ADMIN_TOKEN=$(curl -sS --fail-with-body "$BASE/v1/auth/token" -d grant_type=password \
  --data-urlencode "username=$ADMIN_EMAIL" --data-urlencode "password=$ADMIN_PASSWORD" | jq -er .access_token)

# --- 2. An organization and its organizer
ORG=$(curl -sS --fail-with-body "$BASE/v1/organizations" -H "Authorization: Bearer $ADMIN_TOKEN" \
  -H 'Content-Type: application/json' -d '{"name":"Wisconsin Perfusion Society","code":"WPS"}' | jq -er .id)
ORGANIZER_EMAIL=coordinator@wps.example.org
ORGANIZER_PASSWORD='a spring meeting to remember'
curl -sS --fail-with-body "$BASE/v1/users" -H "Authorization: Bearer $ADMIN_TOKEN" -H 'Content-Type: application/json' \
  -d "$(jq -n --arg email "$ORGANIZER_EMAIL" --arg password "$ORGANIZER_PASSWORD" --arg org "$ORG" \
    '{email: $email, name: "Casey Coordinator", role: "organizer", password: $password, organization_ids: [$org]}')" | jq -c '{id, role}'
ORGANIZER_TOKEN=$(curl -sS --fail-with-body "$BASE/v1/auth/token" -d grant_type=password \
  --data-urlencode "username=$ORGANIZER_EMAIL" --data-urlencode "password=$ORGANIZER_PASSWORD" | jq -er .access_token)

# --- 3. An event with two sessions, published
EVT=$(curl -sS --fail-with-body "$BASE/v1/organizations/$ORG/events" -H "Authorization: Bearer $ORGANIZER_TOKEN" \
  -H 'Content-Type: application/json' -d '{"title":"WPS Spring Meeting","format":"in_person",
  "category":"I","time_zone":"America/Chicago","start_date":"2026-04-17","end_date":"2026-04-18","approval_ref":"ABCP-2026-0417",
  "sessions":[{"title":"ECMO update","date":"2026-04-17","ceus":"3.00"},{"title":"Ethics","date":"2026-04-18","ceus":"1.50"}]}' | jq -er .id)
curl -sS --fail-with-body -X POST "$BASE/v1/events/$EVT/publish" -H "Authorization: Bearer $ORGANIZER_TOKEN" | jq -c '{id, status}'

# --- 4. The roster
curl -sS --fail-with-body "$BASE/v1/events/$EVT/roster-template" -H "Authorization: Bearer $ORGANIZER_TOKEN"
curl -sS --fail-with-body "$BASE/v1/events/$EVT/attendance?mode=partial" -H "Authorization: Bearer $ORGANIZER_TOKEN" \
  -H 'Content-Type: text/csv' -H "Idempotency-Key: roster-$EVT" --data-binary @examples/roster.csv \
  | jq -c '{totals, rows: [.rows[] | {line, status, member: .member.name, reason}]}'
# --- end of the roster

# --- 5. The member's record: ABCP ID (from the roster), ABCP cycle, certification date, licence
MEM=$(curl -sS --fail-with-body "$BASE/v1/members?abcp_id=123456" -H "Authorization: Bearer $ORGANIZER_TOKEN" | jq -er '.items[0].id')
curl -sS --fail-with-body -X PATCH "$BASE/v1/members/$MEM" -H "Authorization: Bearer $ADMIN_TOKEN" \
  -H 'Content-Type: application/json' \
  -d '{"abcp_cycle":2,"certification_date":"2019-09-14","licenses":[{"state":"TX","number":"PR-2041","issued_on":"2021-03-01"}]}' | jq -c '{id, abcp_id, abcp_cycle, licenses}'

# --- 6. The member is invited by e-mail, claims the record and signs in
OUTBOX=${OUTBOX:-data/outbox}
curl -sS --fail-with-body -X POST "$BASE/v1/members/$MEM/claim-tokens" -H "Authorization: Bearer $ORGANIZER_TOKEN" | jq -c '{email, expires_at}'
for _ in $(seq 1 50); do ls "$OUTBOX"/claim.invitation.*.eml >/dev/null 2>&1 && break; sleep 0.2; done
CLAIM=$(tr -d '\r' <"$(ls -t "$OUTBOX"/claim.invitation.*.eml | head -1)" | sed -e ':a' -e '/=$/{N;s/=\n//;ba}' \
  | grep -o 'token=3D[A-Za-z0-9_-]*' | head -1 | sed 's/^token=3D//')
MEMBER_EMAIL=pat@example.org
MEMBER_PASSWORD='pump primed and ready'
curl -sS --fail-with-body "$BASE/v1/auth/claim" -H 'Content-Type: application/json' \
  -d "$(jq -n --arg token "$CLAIM" --arg email "$MEMBER_EMAIL" --arg password "$MEMBER_PASSWORD" \
    '{claim_token: $token, email: $email, password: $password}')" | jq -c '{id, role, member_id}'
MEMBER_TOKEN=$(curl -sS --fail-with-body "$BASE/v1/auth/token" -d grant_type=password \
  --data-urlencode "username=$MEMBER_EMAIL" --data-urlencode "password=$MEMBER_PASSWORD" | jq -er .access_token)

# --- 7. Credits, the certificate of attendance, and the sponsor's PDF kept with it
curl -sS --fail-with-body "$BASE/v1/members/$MEM/credits" -H "Authorization: Bearer $MEMBER_TOKEN" | jq -c '{total_ceus, credits: [.items[] | {event_title, category, ceus}]}'
ATT=$(curl -sS --fail-with-body "$BASE/v1/members/$MEM/attendance" -H "Authorization: Bearer $MEMBER_TOKEN" | jq -er '.items[0].id')
curl -sS --fail-with-body "$BASE/v1/attendance/$ATT/certificate" -H "Authorization: Bearer $MEMBER_TOKEN" | jq -c '{attendee_name, event_title, ceus, issued_at}'
curl -sS --fail-with-body "$BASE/v1/attendance/$ATT/evidence" -H "Authorization: Bearer $MEMBER_TOKEN" \
  -H 'Content-Type: application/pdf' --data-binary @examples/certificate.pdf | jq -c '{id, content_type, size}'

# --- 8. Progress toward recertification
curl -sS --fail-with-body "$BASE/v1/me/progress?program=abcp-ccp-ceu" -H "Authorization: Bearer $MEMBER_TOKEN" \
  | jq -c '.programs[] | {program: .program_id, current: (.periods[] | select(.relation == "current") | {start, status, required, counted, remaining})}'

# --- 9. What if the member attends the fall webinar? (nothing is written)
FALL=$(curl -sS --fail-with-body "$BASE/v1/organizations/$ORG/events" -H "Authorization: Bearer $ORGANIZER_TOKEN" \
  -H 'Content-Type: application/json' -d '{"title":"WPS Fall Webinar","format":"live_webinar",
  "category":"I","time_zone":"America/Chicago","start_date":"2027-10-02","end_date":"2027-10-02",
  "sessions":[{"title":"Blood management","date":"2027-10-02","ceus":"2.00"}]}' | jq -er .id)
curl -sS --fail-with-body -X POST "$BASE/v1/events/$FALL/publish" -H "Authorization: Bearer $ORGANIZER_TOKEN" | jq -c '{id, status}'
curl -sS --fail-with-body "$BASE/v1/members/$MEM/progress/what-if?program=abcp-ccp-ceu" -H "Authorization: Bearer $MEMBER_TOKEN" \
  -H 'Content-Type: application/json' -d "$(jq -n --arg evt "$FALL" '{event_id: $evt}')" \
  | jq -c '.programs[] | {program: .program_id, current: (.periods[] | select(.relation == "current") | {status, counted, remaining})}'

# --- 10. The filing report, as a spreadsheet
curl -sS --fail-with-body "$BASE/v1/members/$MEM/report?program=abcp-ccp" -H "Authorization: Bearer $MEMBER_TOKEN" -H 'Accept: text/csv'
