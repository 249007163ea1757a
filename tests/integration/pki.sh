# pki.sh -- a throwaway CA with "openssl ca", for the TLS tests: good,
# expired, not yet valid, revoked, self-signed and foreign certificates,
# a current CRL and an expired one, and client certificates.  Sourced
# after lib.sh; everything lands in $PKI.

PKI="$T/pki"

pki_conf() {	# the openssl ca configuration for CA $1
	cat <<CNF
[ ca ]
default_ca = this
[ this ]
dir = $PKI/$1
database = \$dir/index.txt
new_certs_dir = \$dir/new
serial = \$dir/serial
crlnumber = \$dir/crlnumber
certificate = $PKI/$1.crt
private_key = $PKI/$1.key
default_md = sha256
default_days = 365
default_crl_days = 30
policy = any
copy_extensions = copy
[ any ]
commonName = supplied
CNF
}

pki_ca() {	# pki_ca NAME: a CA with its own database
	mkdir -p "$PKI/$1/new"
	: >"$PKI/$1/index.txt"
	echo 1000 >"$PKI/$1/serial"
	echo 1000 >"$PKI/$1/crlnumber"
	pki_conf "$1" >"$PKI/$1.cnf"
	openssl req -x509 -newkey rsa:2048 -nodes -days 365 \
	    -subj "/O=pullmail test/CN=$1" -keyout "$PKI/$1.key" \
	    -out "$PKI/$1.crt" 2>/dev/null || bail "cannot make CA $1"
}

# pki_cert CA NAME SAN [openssl ca options]: $PKI/NAME.crt and .key
pki_cert() {
	ca=$1 name=$2 san=$3
	shift 3
	openssl req -newkey "rsa:${PKI_BITS:-2048}" -nodes -subj "/CN=$name" \
	    -addext "subjectAltName=$san" -keyout "$PKI/$name.key" \
	    -out "$PKI/$name.csr" 2>/dev/null &&
	openssl ca -batch -notext -config "$PKI/$ca.cnf" \
	    -in "$PKI/$name.csr" -out "$PKI/$name.crt" "$@" \
	    >/dev/null 2>&1 || bail "cannot make certificate $name"
}

make_pki() {
	mkdir -p "$PKI"
	pki_ca ca
	pki_ca otherca
	pki_cert ca good.test "DNS:good.test,DNS:localhost,IP:127.0.0.1"
	pki_cert ca expired.test "DNS:expired.test" \
	    -startdate 20200101000000Z -enddate 20210101000000Z
	pki_cert ca future.test "DNS:future.test" \
	    -startdate 20991231000000Z -enddate 21001231000000Z
	pki_cert ca revoked.test "DNS:revoked.test"
	PKI_BITS=1024 pki_cert ca weak.test "DNS:weak.test"
	pki_cert otherca unknown.test "DNS:unknown.test"
	openssl req -x509 -newkey rsa:2048 -nodes -days 365 \
	    -subj "/CN=selfsigned.test" \
	    -addext "subjectAltName=DNS:selfsigned.test" \
	    -keyout "$PKI/selfsigned.test.key" \
	    -out "$PKI/selfsigned.test.crt" 2>/dev/null ||
	    bail "cannot make the self-signed certificate"
	pki_cert ca client "DNS:client.test"
	openssl pkey -in "$PKI/client.key" -aes256 -passout pass:secret \
	    -out "$PKI/client-locked.key" 2>/dev/null ||
	    bail "cannot make the encrypted client key"
	pki_cert ca client-revoked "DNS:client-revoked.test"
	pki_cert otherca client-foreign "DNS:client-foreign.test"
	for c in revoked.test client-revoked; do
		openssl ca -config "$PKI/ca.cnf" -revoke "$PKI/$c.crt" \
		    >/dev/null 2>&1 || bail "cannot revoke $c"
	done
	openssl ca -gencrl -config "$PKI/ca.cnf" -out "$PKI/ca.crl" \
	    >/dev/null 2>&1 || bail "cannot make the CRL"
	openssl ca -gencrl -config "$PKI/ca.cnf" -out "$PKI/ca-expired.crl" \
	    -crl_lastupdate 20200101000000Z -crl_nextupdate 20200201000000Z \
	    >/dev/null 2>&1 || bail "cannot make the expired CRL"
	openssl ca -gencrl -config "$PKI/otherca.cnf" \
	    -out "$PKI/otherca.crl" >/dev/null 2>&1 ||
	    bail "cannot make the other CRL"
	# What a server that verifies clients trusts: both CAs' certificates
	# and their CRLs (Dovecot insists on a CRL for every CA).
	cat "$PKI/ca.crt" "$PKI/ca.crl" "$PKI/otherca.crt" \
	    "$PKI/otherca.crl" >"$PKI/client-ca.pem"
	# ... but only our CA counts: the foreign client must be refused.
	cat "$PKI/ca.crt" "$PKI/ca.crl" >"$PKI/client-ca-ours.pem"
}

# pins CERT: MD5, SHA256 and SPKI pins of a certificate, one per line.
pins() {
	openssl x509 -in "$1" -noout -fingerprint -md5 | sed 's/.*=//'
	openssl x509 -in "$1" -noout -fingerprint -sha256 |
	    sed 's/.*=/SHA256:/'
	printf 'sha256//%s\n' "$(openssl x509 -in "$1" -noout -pubkey |
	    openssl pkey -pubin -outform der | openssl dgst -sha256 -binary |
	    base64)"
}
