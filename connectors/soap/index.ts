export { SoapSystem, loadWsdl, operationsOf, type CallAnswer, type CallOptions, type OperationRef, type SoapOperation, type SoapSystemOptions } from "./client";
export { SoapCallError, SoapFaultError, classifySoapError, faultOf, type SoapFailure } from "./errors";
export { PendingSoapRequests, soapRequests } from "./pending";
export { SoapFault, soapService, wsdlServedAt, type SoapHandler, type SoapRequest, type SoapService } from "./server";
