"""The xAPI door of the LRS: the wire protocol, the resources, the lean request path, statement validation."""
