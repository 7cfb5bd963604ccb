from lxml import etree


def parse_invoice(xml_bytes):
    parser = etree.XMLParser(resolve_entities=True)  # ruleid: xml-external-entities
    return etree.fromstring(xml_bytes, parser)


def parse_invoice_safe(xml_bytes):
    parser = etree.XMLParser(resolve_entities=False, no_network=True)  # ok: xml-external-entities
    return etree.fromstring(xml_bytes, parser)
