#!/usr/bin/perl
# Evaluates DMARC cases with Mail::DMARC::PurePerl (Debian's libmail-dmarc-perl, RFC 7489
# with the Public Suffix List), answering its DNS queries from each case's own records,
# so the cross-check never touches the network. Reads a JSON array of cases on stdin,
# writes one JSON object per case on stdout: {"name","result","disposition","error"}.
use strict;
use warnings;
use JSON::PP;
use Net::DNS;
use Mail::DMARC::PurePerl;

# A stand-in for Net::DNS::Resolver with the two methods Mail::DMARC calls.
package CaseResolver;
sub new { my ($class, $zone) = @_; return bless { zone => $zone }, $class; }
sub send {
    my ($self, $name, $type) = @_;
    $name = lc $name; $name =~ s/\.$//;
    my $packet = Net::DNS::Packet->new($name, $type);
    for my $rr (@{ $self->{zone} }) {
        next unless lc($rr->{name}) eq $name && uc($rr->{type}) eq uc($type);
        if (uc $type eq 'TXT') {
            $packet->push(answer => Net::DNS::RR->new(name => $name, type => 'TXT', txtdata => $rr->{data}));
        } elsif (uc $type eq 'A') {
            $packet->push(answer => Net::DNS::RR->new(name => $name, type => 'A', address => $rr->{data}));
        }
    }
    $packet->header->rcode('NXDOMAIN') unless $packet->header->ancount;
    return $packet;
}
sub query {
    my ($self, $name, $type) = @_;
    my $p = $self->send($name, $type);
    return $p->header->ancount ? $p : undef;
}

package main;

my $json = JSON::PP->new->canonical;
my $cases = $json->decode(do { local $/; <STDIN> });
for my $c (@$cases) {
    my %out = (name => $c->{name});
    eval {
        my $dmarc = Mail::DMARC::PurePerl->new;
        $dmarc->set_resolver(CaseResolver->new($c->{zone}));
        $dmarc->source_ip('192.0.2.10');
        $dmarc->envelope_to('example.com');
        $dmarc->envelope_from($c->{spf_domain} || 'bounce.example.net');
        $dmarc->header_from($c->{author});
        $dmarc->spf({ domain => $c->{spf_domain} || 'bounce.example.net', scope => 'mfrom',
                      result => $c->{spf_result} || 'none' });
        $dmarc->dkim([ map { { domain => $_->{domain}, selector => 's1', result => $_->{result} } }
                       @{ $c->{dkim} || [] } ]);
        my $r = $dmarc->validate;
        $out{result} = $r->result;
        $out{disposition} = $r->disposition;
        1;
    } or do { $out{error} = "$@"; $out{error} =~ s/\s+$//; };
    print $json->encode(\%out), "\n";
}
