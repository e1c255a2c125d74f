"""The seed's main app (seed 000: Azure's integrated-authentication sample) for the getcode bench.

Kept as the seed has it: Flask, DEBUG on, `requests.get` per call (a new connection each time, as
the seed does), random letters, `str(datetime.utcnow())` timestamp, `queue_client.send_message`.
Run by the bench as the sample is deployed: `gunicorn -w 1 --threads 8 flask_seed_app:app`.

Deviations, each marked DEVIATION below:
1. No Azure identity: the bench has no Azure AD. The Key Vault read at start-up is replaced by
   the key from the environment (the app, too, reads its key once and caches it, so per-request
   cost is the same), and the queue client is built from the Azurite connection string instead
   of `DefaultAzureCredential`.
2. The code-table write (when BENCH_CODE_TABLE is set) so all three servers do the same I/O: the
   same row shape as src/code-table/azure-table-code-table.ts, written before the queue send.
3. The message is sent as `str(code)` only if the SDK refuses the dict the seed passes (checked
   once at start-up); the watcher reads that Python-literal form either way.
"""
from flask import Flask, request, jsonify
import requests, random, string, os
from datetime import datetime, timedelta, timezone
from azure.storage.queue import QueueClient

app = Flask(__name__)
app.config["DEBUG"] = True

number_url = os.environ["THIRD_PARTY_API_ENDPOINT"]

# DEVIATION 1: the key from the environment instead of Key Vault via DefaultAzureCredential.
access_key = os.environ["THIRD_PARTY_API_KEY"]

# DEVIATION 1: connection string (Azurite) instead of queue URL + DefaultAzureCredential.
connection_string = os.environ["AZURE_STORAGE_CONNECTION_STRING"]
queue_client = QueueClient.from_connection_string(connection_string, os.environ.get("STORAGE_QUEUE_NAME", "code-requests"))

# DEVIATION 2: the code-table row the app writes before answering.
table_name = os.environ.get("BENCH_CODE_TABLE")
ttl_seconds = int(os.environ.get("CODE_TTL_SECONDS", "600"))
table_client = None
if table_name:
    from azure.data.tables import TableClient, UpdateMode
    from azure.core.exceptions import ResourceExistsError
    table_client = TableClient.from_connection_string(connection_string, table_name)


def iso(t):
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"


# DEVIATION 3: find out once whether this SDK accepts the seed's dict as message content.
send_as_str = False
try:
    probe = queue_client.send_message({"code": "probe", "timestamp": "probe"})
    queue_client.delete_message(probe)
except Exception:
    send_as_str = True


@app.route('/', methods=['GET'])
def home():
    return f'Home page of the main app. Make a request to <a href="./api/v1/getcode">/api/v1/getcode</a>.'


def random_char(num):
    return ''.join(random.choice(string.ascii_letters) for x in range(num))


@app.route('/api/v1/getcode', methods=['GET'])
def get_code():
    headers = {
        'Content-Type': 'application/json',
        'x-functions-key': access_key
    }

    r = requests.get(url = number_url, headers = headers)

    if (r.status_code != 200):
        return "Could not get you a code.", r.status_code

    data = r.json()
    chars1 = random_char(3)
    chars2 = random_char(3)
    code_value = f"{chars1}-{data['value']}-{chars2}"
    code = { "code": code_value, "timestamp" : str(datetime.utcnow()) }

    # DEVIATION 2: the code-table row (same entity shape as the app's), before the queue send.
    if table_client is not None:
        now = datetime.now(timezone.utc)
        row = {
            "PartitionKey": code_value, "RowKey": "code", "issuedAt": iso(now),
            "expiresAt": iso(now + timedelta(seconds=ttl_seconds)), "state": "valid", "activatedAt": iso(now),
        }
        try:
            table_client.create_entity(row)
        except ResourceExistsError:  # the same code string twice (rare): replace, as the app does
            table_client.upsert_entity(row, mode=UpdateMode.REPLACE)

    # Log a queue message with the code for, say, a process that invalidates
    # the code after a certain period of time.
    queue_client.send_message(str(code) if send_as_str else code)

    return jsonify(code)


if __name__ == '__main__':
    app.run()
